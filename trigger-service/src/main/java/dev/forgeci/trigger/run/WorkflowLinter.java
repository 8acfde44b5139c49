package dev.forgeci.trigger.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.action.ActionReference;
import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.infra.ActionLookup;
import dev.forgeci.trigger.workflow.CompiledWorkflow;
import dev.forgeci.trigger.workflow.DispatchInput;
import dev.forgeci.trigger.workflow.RunPlan;
import dev.forgeci.trigger.workflow.WorkflowCompiler;
import dev.forgeci.trigger.workflow.WorkflowError;
import dev.forgeci.trigger.workflow.WorkflowInvalidException;

/**
 * What the IDE asks on every edit: is this workflow valid, what is wrong where, what means nothing
 * here, and which jobs it makes — compiled and planned exactly as a run would be, for a sample event
 * (the repository, ref and event the IDE names; inputs at their defaults), but nothing is started.
 */
@ApplicationScoped
public class WorkflowLinter {

    private final WorkflowCompiler compiler = new WorkflowCompiler();
    private final ForgeConfig config;
    private final ActionLookup actions;

    public WorkflowLinter(ForgeConfig config, ActionLookup actions) {
        this.config = config;
        this.actions = actions;
    }

    /** The answer: {@code jobs} are the normalized jobs after matrix expansion (a job whose matrix reads needs stays one). */
    public record Lint(boolean valid, List<WorkflowError> errors, List<WorkflowError> warnings, List<JsonNode> jobs) {}

    public Lint lint(String file, String text, String repository, String ref, String event) {
        WorkflowCompiler.Result result = compiler.check(file, text);
        if (!result.valid()) {
            return new Lint(false, result.errors(), result.warnings(), List.of());
        }
        CompiledWorkflow workflow = result.workflow();
        ObjectNode context = sampleContext(workflow, repository, ref, event);
        try {
            RunPlan.Planned plan = RunPlan.plan(
                    workflow,
                    RunContexts.scope(context),
                    true,
                    new LinkedHashSet<>(config.runners().labels()));
            List<WorkflowError> warnings = new ArrayList<>(result.warnings());
            warnings.addAll(actionWarnings(workflow));
            return new Lint(
                    true,
                    List.of(),
                    warnings,
                    plan.jobs().stream().map(WorkflowLinter::summary).toList());
        } catch (WorkflowInvalidException e) {
            return new Lint(false, e.errors(), result.warnings(), List.of());
        }
    }

    /**
     * A warning where each action from a repository is used that neither the controllers' mirror
     * nor an upstream has (valid YAML, unknown action); at most {@code forge.actions.max-lookups}
     * distinct actions are looked up.
     */
    private List<WorkflowError> actionWarnings(CompiledWorkflow workflow) {
        List<WorkflowError> warnings = new ArrayList<>();
        Map<String, Optional<String>> looked = new HashMap<>();
        for (CompiledWorkflow.ActionUse use : workflow.actions()) {
            if (!(ActionReference.parse(use.uses()) instanceof ActionReference.Remote remote)) {
                continue;
            }
            if (!looked.containsKey(use.uses())
                    && looked.size() >= config.actions().maxLookups()) {
                warnings.add(use.location()
                        .error(
                                workflow.file(),
                                "more than " + config.actions().maxLookups() + " actions: " + remote.display()
                                        + " was not looked up"));
                looked.put(use.uses(), Optional.empty());
                continue;
            }
            looked.computeIfAbsent(use.uses(), key -> actions.problem(remote))
                    .ifPresent(problem -> warnings.add(use.location().error(workflow.file(), problem)));
        }
        return warnings;
    }

    /** What the lint answer shows of a job: id, name, needs, runsOn, and its steps' index, id and name. */
    private static JsonNode summary(ObjectNode job) {
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        shown.set("id", job.get("id"));
        shown.set("name", job.has("name") ? job.get("name") : job.get("id"));
        shown.set("needs", job.get("needs"));
        shown.set("runsOn", job.has("runsOn") ? job.get("runsOn") : JsonNodeFactory.instance.arrayNode());
        if (job.has("matrix")) {
            shown.set("matrix", job.get("matrix"));
        }
        if (job.has("deferred")) {
            shown.put(
                    "deferred",
                    "its matrix or other job-level fields read `needs`; it is expanded when the jobs it needs have ended");
        }
        ArrayNode steps = shown.putArray("steps");
        for (JsonNode step : job.path("steps")) {
            ObjectNode entry = steps.addObject();
            entry.set("index", step.get("index"));
            if (step.has("id")) {
                entry.set("id", step.get("id"));
            }
            entry.set("name", step.get("name"));
        }
        return shown;
    }

    private ObjectNode sampleContext(CompiledWorkflow workflow, String repository, String ref, String event) {
        String rid = repository == null ? "rad:z11111111111111111111111111" : repository;
        String fullRef = ref == null ? "refs/heads/main" : ref.startsWith("refs/") ? ref : "refs/heads/" + ref;
        String eventName = event == null ? "push" : event;
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        ObjectNode github = context.putObject("github");
        github.put("event_name", eventName);
        github.putObject("event").put("ref", fullRef);
        github.put("ref", fullRef);
        github.put("ref_name", fullRef.replaceFirst("^refs/(heads|tags)/", ""));
        github.put("ref_type", fullRef.startsWith("refs/tags/") ? "tag" : "branch");
        github.put("sha", "0000000000000000000000000000000000000000");
        github.put("repository", rid);
        github.put("repository_id", rid);
        github.put("repository_owner", rid);
        github.put("workflow", workflow.name());
        github.put("run_id", "01LINT0000000000000000000");
        github.put("run_number", "1");
        github.put("run_attempt", "1");
        github.put("actor", "lint");
        ObjectNode inputs = context.putObject("inputs");
        List<FieldError> ignored = new ArrayList<>();
        for (DispatchInput input : workflow.on().inputs()) {
            inputs.setAll(DispatchInputs.resolve(List.of(input), null, ignored).typed());
        }
        context.set("vars", RunContexts.vars(config.variables().orElse(List.of()), rid));
        context.putObject("forge").put("repository", rid).put("ref", fullRef).put("workflow", workflow.name());
        return context;
    }
}
