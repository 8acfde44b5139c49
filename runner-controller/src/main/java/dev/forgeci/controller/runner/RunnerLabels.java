package dev.forgeci.controller.runner;

/** Labels on every runner container and volume, so a restarted controller finds what it left. */
public final class RunnerLabels {

    public static final String CONTROLLER_ID = "forge.controller-id";
    public static final String RUN_ID = "forge.run-id";
    public static final String JOB_ID = "forge.job-id";
    public static final String ATTEMPT = "forge.attempt";

    private RunnerLabels() {}
}
