package dev.forgeci.trigger.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of a {@code run-events} record this service reads; everything else is ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunEvent(
        String runId,
        long seq,
        RunStatus status,
        String reason,
        String at,
        RunRequested.Repository repository,
        String commit,
        String ref,
        String workflow,
        RunRequested.Trigger trigger) {

    /** Without its run and status an event cannot be read (and goes to dead-letters). */
    public RunEvent {
        if (runId == null || runId.isBlank() || status == null) {
            throw new IllegalArgumentException("a run-event needs a runId and a status");
        }
    }
}
