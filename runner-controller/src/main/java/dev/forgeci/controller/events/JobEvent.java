package dev.forgeci.controller.events;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A job attempt's life as the controller saw it; {@code seq} counts one attempt's events from 1;
 * {@code outputs} (job-finished) are the job's outputs as they evaluated.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobEvent(
        Type type,
        String runId,
        String jobId,
        int attempt,
        long seq,
        String controllerId,
        Instant at,
        StepReport step,
        Status status,
        Integer exitCode,
        String reason,
        Long logChunks,
        Long logLines,
        Map<String, String> outputs) {

    /** What happened to the attempt; on the wire as {@code job-started}, {@code step-started} … */
    public enum Type {
        JOB_STARTED("job-started"),
        STEP_STARTED("step-started"),
        STEP_FINISHED("step-finished"),
        JOB_FINISHED("job-finished");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    /**
     * A step as the controller saw it; {@code summary} is what it wrote to GITHUB_STEP_SUMMARY
     * (capped); {@code action} the action from a repository it uses, at the commit that ran.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StepReport(
            int index,
            String name,
            Status status,
            Integer exitCode,
            Instant startedAt,
            Instant finishedAt,
            Long durationMs,
            String summary,
            Action action) {}

    /** {@code uses} as the workflow wrote it, {@code sha} the commit its ref named when the job was set up. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Action(String uses, String sha) {}
}
