package dev.forgeci.controller.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Broadcast to every controller: stop this attempt wherever it runs, or never start it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobCancelRequested(String runId, String jobId, Integer attempt, String reason, Instant requestedAt) {
}
