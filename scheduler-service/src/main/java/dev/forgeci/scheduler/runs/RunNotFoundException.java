package dev.forgeci.scheduler.runs;

public final class RunNotFoundException extends RuntimeException {

    private final String runId;

    public RunNotFoundException(String runId) {
        super("There is no run " + runId + " (or it is older than the retention period).");
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }
}
