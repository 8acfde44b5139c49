package dev.forgeci.scheduler.events;

/** The Kafka topics the scheduler reads and writes (see the README's Events table). */
public final class Topics {

    public static final String RUN_REQUESTED = "run-requested";
    public static final String JOB_EVENTS = "job-events";
    public static final String CONTROLLER_HEARTBEATS = "controller-heartbeats";
    public static final String JOB_DISPATCHED = "job-dispatched";
    public static final String JOB_CANCEL_REQUESTED = "job-cancel-requested";
    public static final String RUN_EVENTS = "run-events";
    public static final String DEAD_LETTERS = "dead-letters";

    private Topics() {
    }
}
