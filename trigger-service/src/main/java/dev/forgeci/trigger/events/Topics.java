package dev.forgeci.trigger.events;

/** The Kafka topics this service touches (see the README's Events table). */
public final class Topics {

    /** Produced: one record per run to start, keyed by runId. */
    public static final String RUN_REQUESTED = "run-requested";
    /** Consumed: run state changes, for commit statuses and the broker adapter's "finished". */
    public static final String RUN_EVENTS = "run-events";
    /** Where a run-event that cannot be decoded goes, so the consumer never stops. */
    public static final String DEAD_LETTERS = "dead-letters";

    private Topics() {}
}
