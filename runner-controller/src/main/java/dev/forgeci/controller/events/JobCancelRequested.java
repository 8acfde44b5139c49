package dev.forgeci.controller.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Broadcast to every controller: stop this attempt wherever it runs, or never start it. A record
 * without the attempt it names cannot be read (and goes to dead-letters); no reason reads as
 * {@code cancelled}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobCancelRequested(String runId, String jobId, Integer attempt, String reason, Instant requestedAt) {

    public JobCancelRequested {
        if (runId == null || jobId == null || attempt == null) {
            throw new IllegalArgumentException("job-cancel-requested without runId, jobId or attempt");
        }
        reason = reason == null || reason.isBlank() ? "cancelled" : reason;
    }

    public JobKey key() {
        return new JobKey(runId, jobId, attempt);
    }
}
