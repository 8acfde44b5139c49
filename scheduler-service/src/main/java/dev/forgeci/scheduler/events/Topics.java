package dev.forgeci.scheduler.events;

import java.util.List;

/** The Kafka topics the scheduler reads and writes (see the README's Events table). */
public final class Topics {

    public static final String RUN_REQUESTED = "run-requested";
    public static final String JOB_EVENTS = "job-events";
    public static final String CONTROLLER_HEARTBEATS = "controller-heartbeats";
    /** A trusted run's jobs, taken by the trusted runner pool. */
    public static final String JOB_DISPATCHED = "job-dispatched";
    /** An untrusted run's jobs (a non-delegate's patch), taken only by the untrusted runner pool. */
    public static final String JOB_DISPATCHED_UNTRUSTED = "job-dispatched-untrusted";

    public static final String JOB_CANCEL_REQUESTED = "job-cancel-requested";
    public static final String RUN_EVENTS = "run-events";
    public static final String DEAD_LETTERS = "dead-letters";

    /** Where a run's jobs go: the scheduler routes by trust, each runner pool reads its own topic. */
    public static String jobDispatched(boolean trusted) {
        return trusted ? JOB_DISPATCHED : JOB_DISPATCHED_UNTRUSTED;
    }

    /** Both pools' dispatch topics: the relay signs what goes to them, the rebuild replays them. */
    public static final List<String> JOB_DISPATCHED_TOPICS = List.of(JOB_DISPATCHED, JOB_DISPATCHED_UNTRUSTED);

    public static boolean isJobDispatched(String topic) {
        return JOB_DISPATCHED_TOPICS.contains(topic);
    }

    private Topics() {}
}
