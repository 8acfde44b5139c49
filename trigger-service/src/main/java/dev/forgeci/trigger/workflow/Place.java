package dev.forgeci.trigger.workflow;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a workflow may hold expressions, and which contexts and functions each place has, as
 * GitHub's "context availability" table lists them (plus Forge's own {@code forge} context, which
 * is everywhere). A reference to anything else is a validation error, never text for a shell.
 */
enum Place {
    RUN_NAME("`run-name`", false, false, "github inputs vars"),
    WORKFLOW_CONCURRENCY("`concurrency`", false, false, "github inputs vars"),
    WORKFLOW_ENV("the workflow's `env`", false, false, "github secrets inputs vars"),
    JOB_NAME("a job's `name`", false, false, "github needs strategy matrix vars inputs"),
    JOB_IF("a job's `if`", true, false, "github needs vars inputs"),
    JOB_RUNS_ON("`runs-on`", false, false, "github needs strategy matrix vars inputs"),
    JOB_STRATEGY("`strategy`", false, false, "github needs vars inputs"),
    JOB_TIMEOUT("a job's `timeout-minutes`", false, false, "github needs strategy matrix vars inputs"),
    JOB_CONTINUE_ON_ERROR("a job's `continue-on-error`", false, false, "github needs strategy vars matrix inputs"),
    JOB_ENV("a job's `env`", false, false, "github needs strategy matrix vars secrets inputs"),
    JOB_CONTAINER(
            "a job's `container` or `services`", false, false, "github needs strategy matrix vars secrets env inputs"),
    JOB_WITH("a called workflow's `with`", false, false, "github needs strategy matrix vars inputs"),
    WORKFLOW_CALL_OUTPUTS("`on.workflow_call.outputs`", false, false, "github jobs vars inputs"),
    JOB_ENVIRONMENT("a job's `environment`", false, false, "github needs strategy matrix vars inputs"),
    JOB_OUTPUTS(
            "a job's `outputs`", false, false, "github needs strategy matrix job runner env vars secrets steps inputs"),
    JOB_DEFAULTS("a job's `defaults.run`", false, false, "github needs strategy matrix env vars inputs"),
    STEP_IF("a step's `if`", true, true, "github needs strategy matrix job runner env vars steps inputs"),
    STEP("a step", false, true, "github needs strategy matrix job runner env vars secrets steps inputs"),
    STEP_CONTINUE_ON_ERROR(
            "a step's `continue-on-error`",
            false,
            false,
            "github needs strategy matrix job runner env vars secrets steps inputs");

    final String where;
    final boolean statusFunctions;
    final boolean hashFiles;
    final Set<String> contexts;

    /** {@code contexts} is space-separated, so the table reads as GitHub's does. */
    Place(String where, boolean statusFunctions, boolean hashFiles, String contexts) {
        this.where = where;
        this.statusFunctions = statusFunctions;
        this.hashFiles = hashFiles;
        Set<String> names = new LinkedHashSet<>(List.of(contexts.split(" ")));
        names.add("forge");
        this.contexts = Set.copyOf(names);
    }

    /** The contexts in the order a message lists them. */
    String listed() {
        return String.join(", ", contexts.stream().sorted().toList());
    }
}
