package dev.forgeci.logs.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code job-events}: a job attempt's life ({@code job-started}, {@code step-started}, {@code step-finished}, {@code job-finished}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobEvent(String type, String runId, String jobId, Integer attempt, Long seq, String at, Step step,
        String status, Integer exitCode, String reason, Long logChunks, Long logLines) {

    public static final String JOB_STARTED = "job-started";
    public static final String STEP_STARTED = "step-started";
    public static final String STEP_FINISHED = "step-finished";
    public static final String JOB_FINISHED = "job-finished";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Step(Integer index, String name, String status, Integer exitCode, String startedAt, String finishedAt,
            Long durationMs) {
    }
}
