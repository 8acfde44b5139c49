package dev.forgeci.logs.events;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code run-events}: a run's status changes; terminal ones list each job's last attempt and its chunk count. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunEvent(
        String runId,
        Long seq,
        String status,
        String reason,
        String at,
        Repository repository,
        String commit,
        String ref,
        String workflow,
        String rerunOf,
        String queuedAt,
        String startedAt,
        String finishedAt,
        List<Job> jobs) {

    public RunEvent {
        Checks.require(runId, "runId");
        Checks.require(status, "status");
        Checks.positive(seq, "seq");
        jobs = jobs == null ? List.of() : jobs;
    }

    private static final Set<String> TERMINAL = Set.of("success", "failure", "cancelled", "error");

    public boolean terminal() {
        return TERMINAL.contains(status);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(String id, String name) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Job(String jobId, Integer attempt, String status, Long logChunks) {

        /** No attempt means the first; no chunk count, none. */
        public Job {
            Checks.require(jobId, "jobs[].jobId");
            attempt = attempt == null ? 1 : attempt;
            logChunks = logChunks == null ? 0L : logChunks;
        }
    }
}
