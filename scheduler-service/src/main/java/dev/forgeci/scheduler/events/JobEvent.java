package dev.forgeci.scheduler.events;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a runner-controller reports about one attempt of a job; {@code seq} orders one attempt's
 * events; {@code outputs} (job-finished) are the job's outputs as they evaluated.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobEvent(String type, String runId, String jobId, Integer attempt, Long seq, String controllerId, Instant at,
        StepReport step, String status, Integer exitCode, String reason, Long logChunks, Long logLines, Map<String, String> outputs) {

    public static final String JOB_STARTED = "job-started";
    public static final String STEP_STARTED = "step-started";
    public static final String STEP_FINISHED = "step-finished";
    public static final String JOB_FINISHED = "job-finished";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StepReport(Integer index, String name, String status, Integer exitCode, Instant startedAt,
            Instant finishedAt, Long durationMs, String summary, Action action) {
    }

    /** The action from a repository a step uses, and the commit it ran at. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Action(String uses, String sha) {
    }

    public void requireIdentity() {
        if (type == null || runId == null || jobId == null || attempt == null) {
            throw new IllegalArgumentException("job event without type, runId, jobId or attempt");
        }
    }
}
