package dev.forgeci.logs.frames;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.forgeci.logs.events.JobEvent;
import dev.forgeci.logs.events.RunEvent;

/**
 * The JSON frames a WebSocket client receives (documented in the README), minus the {@code cursor}
 * that the store puts first when it numbers the frame.
 */
public final class WireFrames {

    private WireFrames() {}

    // A line frame, {"type":"line","jobId","attempt","step","stream","line","text"} (line: its number
    // in the job attempt, from 1), is written by Operations itself: it is the hot path.

    /** A step started or finished ({@code event} is {@code started} or {@code finished}). */
    @JsonPropertyOrder({"type", "event", "jobId", "attempt", "step"})
    public record StepFrame(String event, String jobId, int attempt, JobEvent.Step step) {
        @JsonProperty("type")
        public String type() {
            return "step";
        }
    }

    /** A job attempt's status: {@code running} when it starts, its outcome when it finished. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "jobId", "attempt", "status", "exitCode", "reason", "at"})
    public record JobFrame(String jobId, int attempt, String status, Integer exitCode, String reason, String at) {
        @JsonProperty("type")
        public String type() {
            return "job";
        }
    }

    /** The run's status, with what identifies the run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "status", "reason", "at", "repository", "commit", "ref", "workflow"})
    public record RunFrame(
            String status,
            String reason,
            String at,
            RunEvent.Repository repository,
            String commit,
            String ref,
            String workflow) {
        @JsonProperty("type")
        public String type() {
            return "run";
        }
    }

    /** What {@code GET /api/logs} lists for a run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunSummary(
            String runId,
            String status,
            String reason,
            RunEvent.Repository repository,
            String commit,
            String ref,
            String workflow,
            String queuedAt,
            String startedAt,
            String finishedAt,
            String at) {}
}
