package dev.forgeci.scheduler.events;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a runner-controller reports about one attempt of a job; {@code seq} orders one attempt's
 * events; {@code outputs} (job-finished) are the job's outputs as they evaluated.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobEvent(
        Type type,
        String runId,
        String jobId,
        Integer attempt,
        Long seq,
        String controllerId,
        Instant at,
        StepReport step,
        String status,
        Integer exitCode,
        String reason,
        Long logChunks,
        Long logLines,
        Map<String, String> outputs) {

    /** What makes the record a job event at all; anything less cannot be read (and goes to dead-letters). */
    public JobEvent {
        if (type == null || runId == null || jobId == null || attempt == null) {
            throw new IllegalArgumentException("job event without type, runId, jobId or attempt");
        }
    }

    /** What happened to the attempt; a type this service does not know (a newer controller's) reads as {@link #OTHER}. */
    public enum Type {
        JOB_STARTED("job-started"),
        STEP_STARTED("step-started"),
        STEP_FINISHED("step-finished"),
        JOB_FINISHED("job-finished"),
        OTHER(null);

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        @JsonCreator
        public static Type of(String wire) {
            return Arrays.stream(values())
                    .filter(type -> type.wire != null && type.wire.equals(wire))
                    .findFirst()
                    .orElse(OTHER);
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StepReport(
            Integer index,
            String name,
            String status,
            Integer exitCode,
            Instant startedAt,
            Instant finishedAt,
            Long durationMs,
            @JsonInclude(JsonInclude.Include.NON_NULL) String summary,
            @JsonInclude(JsonInclude.Include.NON_NULL) Action action) {}

    /** The action from a repository a step uses, and the commit it ran at. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Action(String uses, String sha) {}
}
