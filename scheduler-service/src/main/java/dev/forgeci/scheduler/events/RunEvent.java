package dev.forgeci.scheduler.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.scheduler.runs.RunStatus;

/**
 * A run's status change; {@code seq} counts a run's events from 1, {@code jobs} is set on terminal
 * states, {@code approval} once an untrusted run that waited was approved.
 */
public record RunEvent(
        String runId,
        long seq,
        RunStatus status,
        String reason,
        Instant at,
        RunRequested.Repository repository,
        String commit,
        String ref,
        String workflow,
        JsonNode trigger,
        String rerunOf,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        List<JobOutcome> jobs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Approval approval) {

    /**
     * Who let an untrusted run go, and when: the approving token's name and, where the operator
     * knows it, that person's Radicle identity; never a commit's author, which anyone can write.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Approval(String by, String did, Instant at) {}

    /** How a job ended; {@code logChunks} is the last log chunk's seq (0: none), null when the runner was lost. */
    public record JobOutcome(String jobId, int attempt, String status, Long logChunks) {}
}
