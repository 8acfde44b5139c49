package dev.forgeci.logs.events;

/** The topics this service reads (see the README's Events table); it writes only to {@code dead-letters}, through SmallRye. */
public final class Topics {

    public static final String JOB_LOG_CHUNKS = "job-log-chunks";
    public static final String JOB_EVENTS = "job-events";
    public static final String RUN_EVENTS = "run-events";

    private Topics() {}
}
