package dev.forgeci.controller.events;

/** The Kafka topics this service reads and writes (see the README's Events table). */
public final class Topics {

    /** Also the name of the channel both pools read; its topic is the pool's (application.properties). */
    public static final String JOB_DISPATCHED = "job-dispatched";

    public static final String JOB_DISPATCHED_UNTRUSTED = "job-dispatched-untrusted";
    public static final String JOB_CANCEL_REQUESTED = "job-cancel-requested";
    public static final String JOB_EVENTS = "job-events";
    public static final String JOB_LOG_CHUNKS = "job-log-chunks";
    public static final String CONTROLLER_HEARTBEATS = "controller-heartbeats";
    public static final String DEAD_LETTERS = "dead-letters";

    private Topics() {}
}
