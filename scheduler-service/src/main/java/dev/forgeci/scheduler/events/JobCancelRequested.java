package dev.forgeci.scheduler.events;

import java.time.Instant;

/** Asks every runner-controller to stop one attempt of a job. */
public record JobCancelRequested(String runId, String jobId, int attempt, String reason, Instant requestedAt) {

    public static final String CANCELLED = "cancelled";
    public static final String SUPERSEDED = "superseded";
    public static final String REDISPATCHED = "redispatched";
}
