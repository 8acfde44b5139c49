package dev.forgeci.controller.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.Status;
import dev.forgeci.language.expr.Scope;

/**
 * The contexts a job's steps are evaluated against here, as GitHub's runner keeps them: the run's
 * (github, inputs, vars, forge, needs), the job's place in its matrix, {@code env} (the job's, with
 * what steps wrote to {@code $GITHUB_ENV} laid over it), {@code secrets}, {@code job},
 * {@code runner}, and {@code steps} as each step with an id ends. The status functions follow the
 * job's status and whether it is being cancelled.
 */
final class StepContext {

    static final String WORKSPACE = "/workspace";
    static final String TEMP = "/forge/tmp";
    static final String TOOL_CACHE = "/opt/hostedtoolcache";
    static final String EVENT_PATH = "/forge/event.json";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final JobDispatched dispatch;
    private final ObjectNode contexts;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> paths = new ArrayList<>();
    private final ObjectNode steps = JSON.objectNode();
    private final BooleanSupplier cancelling;
    private final Function<List<String>, String> hashFiles;
    private Status status = Status.SUCCESS;
    /** {@code job.container} and {@code job.services}, once they run. */
    private ObjectNode containers = noContainers();

    StepContext(
            JobDispatched dispatch,
            ObjectNode secrets,
            String runnerName,
            BooleanSupplier cancelling,
            Function<List<String>, String> hashFiles) {
        this.dispatch = dispatch;
        this.cancelling = cancelling;
        this.hashFiles = hashFiles;
        ObjectNode given = dispatch.context() == null
                ? JSON.objectNode()
                : dispatch.context().deepCopy();
        ObjectNode github = given.has("github") && given.get("github").isObject()
                ? (ObjectNode) given.get("github")
                : given.putObject("github");
        github.put("job", dispatch.job().idInItsWorkflow());
        github.put("workspace", WORKSPACE);
        github.put("event_path", EVENT_PATH);
        github.put("action", "");
        JobDispatched.Job job = dispatch.job();
        given.set("matrix", job.matrix() == null ? JSON.nullNode() : job.matrix());
        JobDispatched.Strategy strategy = job.strategy();
        given.putObject("strategy")
                .put("fail-fast", strategy == null || !Boolean.FALSE.equals(strategy.failFast()))
                .put("job-index", strategy == null || strategy.jobIndex() == null ? 0 : strategy.jobIndex())
                .put("job-total", strategy == null || strategy.jobTotal() == null ? 1 : strategy.jobTotal())
                .put("max-parallel", strategy == null || strategy.maxParallel() == null ? 1 : strategy.maxParallel());
        given.set("secrets", secrets);
        given.putObject("runner")
                .put("os", "Linux")
                .put("arch", "X64")
                .put("name", runnerName)
                .put("temp", TEMP)
                .put("tool_cache", TOOL_CACHE)
                .put("environment", "self-hosted")
                .put("debug", "");
        if (!given.has("needs")) {
            given.putObject("needs");
        }
        if (!given.has("inputs")) {
            given.putObject("inputs");
        }
        this.contexts = given;
    }

    JobDispatched dispatch() {
        return dispatch;
    }

    ObjectNode github() {
        return (ObjectNode) contexts.get("github");
    }

    /** The job's environment as the steps see it: its {@code env}, then what {@code $GITHUB_ENV} set. */
    Map<String, String> env() {
        return env;
    }

    /** Directories added with {@code $GITHUB_PATH}, the latest first. */
    List<String> paths() {
        return paths;
    }

    void addPaths(List<String> added) {
        for (String path : added) {
            paths.remove(path);
            paths.add(0, path);
        }
    }

    /** A step with an id ended: what it wrote to {@code $GITHUB_OUTPUT}, its outcome, and its conclusion after continue-on-error. */
    void stepEnded(String id, Map<String, String> outputs, Status outcome, Status conclusion) {
        steps.set(id, stepNode(outputs, outcome, conclusion));
    }

    /** A step as the {@code steps} context holds it. */
    static ObjectNode stepNode(Map<String, String> outputs, Status outcome, Status conclusion) {
        ObjectNode step = JSON.objectNode();
        ObjectNode values = step.putObject("outputs");
        outputs.forEach(values::put);
        return step.put("outcome", outcome.word()).put("conclusion", conclusion.word());
    }

    private static ObjectNode noContainers() {
        ObjectNode none = JSON.objectNode();
        none.putObject("container");
        none.putObject("services");
        return none;
    }

    /** The job's container and services run: the {@code job} context says where. */
    void containersStarted(ObjectNode contexts) {
        containers = contexts;
    }

    /** The job has a failed step (one without continue-on-error). */
    void failed() {
        status = Status.FAILURE;
    }

    Status status() {
        return cancelling.getAsBoolean() ? Status.CANCELLED : status;
    }

    boolean cancelling() {
        return cancelling.getAsBoolean();
    }

    /** The scope a step's templates are evaluated in; {@code visibleEnv} is what its {@code env} context holds. */
    Scope scope(Map<String, String> visibleEnv) {
        return scope(visibleEnv, Map.of(), () -> false);
    }

    /**
     * The scope of a composite action's steps: {@code overrides} replace contexts ({@code inputs},
     * {@code steps} are the action's own, {@code github.action_path} its directory), and
     * {@code actionFailed} says whether one of the action's steps failed, which {@code success()}
     * and {@code failure()} also see.
     */
    Scope scope(Map<String, String> visibleEnv, Map<String, JsonNode> overrides, BooleanSupplier actionFailed) {
        ObjectNode envNode = JSON.objectNode();
        visibleEnv.forEach(envNode::put);
        ObjectNode job = JSON.objectNode()
                .put(
                        "status",
                        (actionFailed.getAsBoolean() && status() == Status.SUCCESS ? Status.FAILURE : status()).word());
        job.set("container", containers.path("container").deepCopy());
        job.set("services", containers.path("services").deepCopy());
        return new Scope() {
            @Override
            public JsonNode context(String name) {
                if (overrides.containsKey(name)) {
                    return overrides.get(name);
                }
                return switch (name) {
                    case "env" -> envNode;
                    case "steps" -> steps;
                    case "job" -> job;
                    default -> contexts.get(name);
                };
            }

            @Override
            public boolean status(String function) {
                return switch (function) {
                    case "success" -> !cancelling() && status == Status.SUCCESS && !actionFailed.getAsBoolean();
                    case "failure" -> !cancelling() && (status == Status.FAILURE || actionFailed.getAsBoolean());
                    case "cancelled" -> cancelling();
                    default -> true;
                };
            }

            @Override
            public String hashFiles(List<String> patterns) {
                return hashFiles.apply(patterns);
            }
        };
    }
}
