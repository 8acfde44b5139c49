package dev.forgeci.trigger.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.ExpressionException;
import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.expr.Template;
import dev.forgeci.language.expr.Values;
import dev.forgeci.language.job.CallInputs;
import dev.forgeci.language.job.JobInstances;

/**
 * The last stage: a compiled workflow for one event. What the event decides is evaluated here —
 * {@code run-name}, the concurrency group, each job's matrix, name, {@code runs-on}, timeout and
 * {@code continue-on-error} — with the trigger's contexts (github, inputs, vars, forge). A job whose
 * job-level fields read {@code needs} stays a template for the scheduler. A {@code runs-on} label
 * no runner offers is an error here, never a silent run elsewhere.
 */
public final class RunPlan {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run of the workflow is: its name, its concurrency, its normalized jobs (a template where deferred). */
    public record Planned(String runName, Concurrency concurrency, List<ObjectNode> jobs) {}

    private RunPlan() {}

    public static Planned plan(CompiledWorkflow workflow, Scope scope, boolean trusted, Set<String> runnerLabels) {
        List<WorkflowError> errors = new ArrayList<>();
        String runName = null;
        if (workflow.runName() != null) {
            runName = text(workflow.runName(), scope, workflow, "run-name", errors);
        }
        Concurrency concurrency = null;
        if (workflow.concurrencyGroup() != null) {
            String group = text(workflow.concurrencyGroup(), scope, workflow, "concurrency", errors);
            boolean cancel = false;
            try {
                JsonNode value = workflow.cancelInProgress().isTextual()
                        ? Template.value(workflow.cancelInProgress().textValue(), scope)
                        : workflow.cancelInProgress();
                cancel = Values.truthy(value);
            } catch (ExpressionException e) {
                errors.add(new WorkflowError(
                        workflow.file(), 1, 1, "`concurrency.cancel-in-progress`: " + e.getMessage()));
            }
            concurrency = group == null || group.isBlank() ? null : new Concurrency(group, cancel);
        }
        List<ObjectNode> jobs = new ArrayList<>();
        for (JobTemplate job : workflow.jobs()) {
            ObjectNode template = JSON.valueToTree(job);
            if (!trusted) {
                template.putArray("secrets"); // an untrusted trigger's jobs are not even told which secrets exist
            }
            template.put("group", job.id());
            if (job.readsNeeds()) {
                jobs.add(template);
                continue;
            }
            try {
                Scope jobScope = job.call() == null
                        ? scope
                        : scope.withContexts(Map.of(
                                "inputs",
                                CallInputs.evaluate(
                                        template.path(CallInputs.CALL).path("inputs"),
                                        template.path(CallInputs.CALL).path("with"),
                                        scope)));
                for (ObjectNode instance : JobInstances.instantiate(template, jobScope)) {
                    checkLabels(instance, job, workflow.file(), runnerLabels, errors);
                    jobs.add(instance);
                }
            } catch (JobInstances.InstantiationException e) {
                errors.add(job.location(e.field()).error(workflow.file(), e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new WorkflowInvalidException(errors);
        }
        return new Planned(runName, concurrency, jobs);
    }

    private static String text(
            String template, Scope scope, CompiledWorkflow workflow, String field, List<WorkflowError> errors) {
        try {
            return Template.render(template, scope);
        } catch (ExpressionException e) {
            errors.add(new WorkflowError(workflow.file(), 1, 1, "`" + field + "`: " + e.getMessage()));
            return null;
        }
    }

    /** Labels compare ignoring case, as GitHub's do. */
    private static void checkLabels(
            ObjectNode instance, JobTemplate job, String file, Set<String> offered, List<WorkflowError> errors) {
        Set<String> lower =
                offered.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (JsonNode label : instance.path("runsOn")) {
            if (!lower.contains(label.asText().toLowerCase(Locale.ROOT))) {
                errors.add(job.location("runs-on")
                        .error(
                                file,
                                "job `" + instance.path("id").asText() + "` needs a runner labelled `"
                                        + label.asText() + "`, which no runner here offers (they offer "
                                        + String.join(
                                                ", ", offered.stream().sorted().toList())
                                        + "); Forge runs Linux jobs only"));
            }
        }
    }
}
