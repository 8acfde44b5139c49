package dev.forgeci.trigger.run;

import java.util.List;

/**
 * What became of a trigger: the runs started and the viewer link to them ({@code infoUrl}), the
 * workflows that did not match and why.
 */
public record Outcome(
        String commit, List<StartedRun> runs, String infoUrl, List<SkippedWorkflow> skipped, String reason) {

    public static Outcome ignored(String reason) {
        return new Outcome(null, List.of(), null, List.of(), reason);
    }

    public boolean started() {
        return !runs.isEmpty();
    }

    /** {@code watch} is the log-gateway WebSocket path that streams the run. */
    public record StartedRun(String runId, String workflow, String file, String watch) {
        public StartedRun(String runId, String workflow, String file) {
            this(runId, workflow, file, "/ws/runs/" + runId);
        }
    }

    public record SkippedWorkflow(String workflow, String file, String reason) {}
}
