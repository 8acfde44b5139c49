package dev.forgeci.logs.events;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code job-events}: a job attempt's life ({@code job-started}, {@code step-started}, {@code step-finished}, {@code job-finished}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobEvent(
        Type type,
        String runId,
        String jobId,
        Integer attempt,
        Long seq,
        String at,
        Step step,
        String status,
        Integer exitCode,
        String reason,
        Long logChunks,
        Long logLines) {

    public JobEvent {
        Checks.require(runId, "runId");
        Checks.require(jobId, "jobId");
        Checks.require(type, "type");
        Checks.positive(attempt, "attempt");
        Checks.positive(seq, "seq");
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
    public record Step(
            Integer index,
            String name,
            String status,
            Integer exitCode,
            String startedAt,
            String finishedAt,
            Long durationMs) {}
}
