package dev.forgeci.scheduler.events;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One attempt of a job handed to whichever runner-controller takes it; {@code job} is the normalized
 * job as requested; {@code context} the run's contexts with {@code needs} (each needed job's result
 * and outputs) added for this job.
 */
public record JobDispatched(
        String runId,
        String jobId,
        int attempt,
        Instant dispatchedAt,
        RunRequested.Repository repository,
        String commit,
        String ref,
        String cloneUrl,
        boolean trusted,
        String workflow,
        JsonNode context,
        JsonNode job) {}
