package dev.forgeci.trigger.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forgeci.language.action.ActionReference;
import dev.forgeci.language.expr.Template;
import dev.forgeci.language.job.JobInstances;
import dev.forgeci.trigger.workflow.CompiledWorkflow.Flavor;
import dev.forgeci.trigger.workflow.ExpressionChecker.Facts;
import dev.forgeci.trigger.workflow.JobTemplate.Deferred;
import dev.forgeci.trigger.workflow.YamlSource.Abort;
import dev.forgeci.trigger.workflow.YamlSource.Entry;

/**
 * A workflow file through its stages, as Woodpecker's frontend has them: parse ({@link YamlSource}:
 * text to bounded YAML nodes), read (this class for the workflow, its jobs and steps; {@link
 * TriggersReader} for {@code on}), lint (every expression where it is written, {@link
 * ExpressionChecker}; the job graph once all jobs are known, {@link JobNeeds}), and the result: a
 * {@link CompiledWorkflow} with every default filled in — or every problem, each with file, line,
 * column and a sentence. {@link RunPlan} then plans it for one event. Keys GitHub has that mean
 * nothing here are accepted with a warning; features Forge does not have are errors that say so.
 */
public final class WorkflowCompiler {

    public static final int MAX_FILE_BYTES = YamlSource.MAX_FILE_BYTES;
    public static final int MAX_JOBS = 100;
    public static final int MAX_STEPS_PER_JOB = 200;
    public static final int MAX_TIMEOUT_MINUTES = JobInstances.MAX_TIMEOUT_MINUTES;
    /** The job id Forge's single-job format (top-level {@code steps}) becomes. */
    public static final String SINGLE_JOB_ID = "build";

    private static final Set<String> WORKFLOW_KEYS = ordered(
            "name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs", "steps", "secrets");
    private static final Set<String> JOB_KEYS = ordered(
            "name",
            "permissions",
            "needs",
            "if",
            "runs-on",
            "environment",
            "concurrency",
            "outputs",
            "env",
            "defaults",
            "steps",
            "timeout-minutes",
            "strategy",
            "continue-on-error",
            "container",
            "services",
            "uses",
            "with",
            "secrets");
    private static final Set<String> STEP_KEYS = ordered(
            "id",
            "if",
            "name",
            "uses",
            "run",
            "working-directory",
            "shell",
            "with",
            "env",
            "continue-on-error",
            "timeout-minutes");
    private static final Set<String> STRATEGY_KEYS = ordered("matrix", "fail-fast", "max-parallel");
    private static final Set<String> CONCURRENCY_KEYS = ordered("group", "cancel-in-progress");
    private static final Set<String> DEFAULTS_KEYS = ordered("run");
    private static final Set<String> RUN_DEFAULTS_KEYS = ordered("shell", "working-directory");
    private static final Set<String> CALL_OUTPUT_KEYS = ordered("description", "value");
    /** What GitHub lets a job that calls a reusable workflow write (docs: "Supported keywords for jobs that call a reusable workflow"). */
    private static final Set<String> CALLER_KEYS =
            ordered("name", "uses", "with", "secrets", "strategy", "needs", "if", "permissions", "concurrency");

    private static final Pattern CALLED_PATH = Pattern.compile("\\.github/workflows/[^/]+\\.ya?ml");
    private static final Pattern PASSED_SECRET =
            Pattern.compile("\\$\\{\\{\\s*secrets\\.([A-Za-z_][A-Za-z0-9_]*)\\s*}}");
    /** Shells the runner image has, as GitHub names them. */
    private static final Set<String> SHELLS = ordered("bash", "sh", "python");

    private static final Set<String> UNAVAILABLE_SHELLS = Set.of("pwsh", "powershell", "cmd");

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,99}");
    private static final Pattern STEP_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,99}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
    /** How GitHub lets outputs, inputs and declarations be named. */
    static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private static final Set<String> CONTAINER_KEYS =
            ordered("image", "env", "ports", "volumes", "options", "credentials");
    private static final Set<String> CREDENTIALS_KEYS = ordered("username", "password");
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    /** Inputs of actions/checkout accepted and ignored: Forge fetches from the seed with no credentials of the workflow's. */
    private static final List<String> CHECKOUT_IGNORED = List.of(
            "token",
            "ssh-key",
            "ssh-known-hosts",
            "ssh-strict",
            "ssh-user",
            "persist-credentials",
            "show-progress",
            "set-safe-directory",
            "sparse-checkout",
            "sparse-checkout-cone-mode",
            "filter",
            "github-server-url");
    /** Every input of actions/checkout accepted: those the built-in honours (runner-image/forge-checkout-action), then the ignored. */
    private static final List<String> CHECKOUT_INPUTS = Stream.concat(
                    Stream.of("repository", "ref", "path", "fetch-depth", "fetch-tags", "submodules", "lfs", "clean"),
                    CHECKOUT_IGNORED.stream())
            .toList();

    /** A compiled workflow with its warnings, or its problems; what the lint endpoint answers. */
    public record Result(CompiledWorkflow workflow, List<WorkflowError> errors, List<WorkflowError> warnings) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /**
     * Compiles one file; {@code file} is the path shown in errors and carried on the run;
     * {@code called} reads the workflows its jobs call. Throws with every problem.
     */
    public CompiledWorkflow compile(String file, String text, CalledWorkflows called) {
        Result result = check(file, text, called);
        if (!result.valid()) {
            throw new WorkflowInvalidException(result.errors());
        }
        return result.workflow();
    }

    /** A workflow that calls none. */
    public CompiledWorkflow compile(String file, String text) {
        return compile(file, text, reference -> new CalledWorkflows.Missing("no called workflow can be read here"));
    }

    /** Compiles one file and reports rather than throws: every error and warning (of it and the files it calls), sorted by place. */
    public Result check(String file, String text, CalledWorkflows called) {
        Diagnostics diagnostics = new Diagnostics(file);
        CompiledWorkflow workflow = compile(file, text, called, 0, diagnostics);
        return new Result(diagnostics.hasErrors() ? null : workflow, diagnostics.errors(), diagnostics.warnings());
    }

    public Result check(String file, String text) {
        return check(file, text, CalledWorkflows.UNCHECKED);
    }

    private static CompiledWorkflow compile(
            String file, String text, CalledWorkflows called, int depth, Diagnostics diagnostics) {
        try {
            return new Compilation(file, text, diagnostics, called, depth).run();
        } catch (Abort reported) {
            // every problem is in the diagnostics
            return null;
        }
    }

    /** The error for a file over the size limit, which is not even read. */
    public static WorkflowError tooLarge(String file, long bytes) {
        return YamlSource.tooLarge(file, bytes);
    }

    static Set<String> ordered(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    /** {@code defaults.run}: what a step gets when it sets no shell or working directory. */
    private record RunDefaults(String shell, String workingDirectory) {}

    private static final class Compilation {

        private final String file;
        private final String text;
        private final Flavor flavor;
        private final Diagnostics diagnostics;
        private final List<CompiledWorkflow.ActionUse> actions = new ArrayList<>();
        private final YamlSource yaml;
        private final ExpressionChecker expressions;
        private final JobNeeds needs;
        private final TriggersReader on;
        private final CalledWorkflows called;
        /** 0 for the file that runs, 1 for a workflow it calls. */
        private final int depth;

        private Set<String> inputs;
        /** What {@code on.workflow_call} declares, its outputs still nodes to check once the jobs are known. */
        private Callable callable;

        private final Map<String, Entry> callOutputs = new LinkedHashMap<>();

        Compilation(String file, String text, Diagnostics diagnostics, CalledWorkflows called, int depth) {
            this.called = called;
            this.depth = depth;
            this.file = file;
            this.text = text;
            this.flavor = Flavor.of(file);
            this.diagnostics = diagnostics;
            this.yaml = new YamlSource(diagnostics, text);
            this.expressions = new ExpressionChecker(yaml);
            this.needs = new JobNeeds(yaml, diagnostics);
            this.on = new TriggersReader(yaml, diagnostics);
        }

        CompiledWorkflow run() {
            Node root = yaml.compose(text);
            if (root == null || YamlSource.isNull(root)) {
                diagnostics.error(
                        1, 1, "the file is empty: a workflow needs `jobs` (or, in the single-job format, `steps`)");
                return null;
            }
            MappingNode top =
                    yaml.mapping(root, "a workflow file must be a mapping with `name` and `jobs` (or `steps`)");
            if (top == null) {
                throw new Abort();
            }
            Map<String, Entry> keys = yaml.keys(top, WORKFLOW_KEYS, "at the top level of the workflow", "key");
            String name = Optional.ofNullable(keys.get("name"))
                    .map(e -> yaml.requiredText(e, "the workflow's `name`"))
                    .orElse(defaultName(file));
            Triggers on;
            if (keys.containsKey("on")) {
                TriggersReader.On read = this.on.read(keys.get("on"));
                on = read.triggers();
                callable = read.callable();
                callOutputs.putAll(read.callOutputs());
            } else if (flavor == Flavor.GITHUB) {
                diagnostics.error(
                        top,
                        "a workflow in .github/workflows needs `on`: the events that start it (for example `on: push`)");
                on = Triggers.DEFAULT;
            } else {
                on = Triggers.DEFAULT;
            }
            inputs = on.inputs().isEmpty() && !on.dispatch()
                    ? null
                    : on.inputs().stream()
                            .map(DispatchInput::name)
                            .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new));
            if (callable != null) {
                inputs = inputs == null ? new LinkedHashSet<>() : inputs;
                inputs.addAll(callable.inputs().keySet());
            }
            String runName = null;
            if (keys.containsKey("run-name")) {
                runName = yaml.requiredText(keys.get("run-name"), "`run-name`");
                template(keys.get("run-name").value(), Place.RUN_NAME, Facts.WORKFLOW);
            }
            if (keys.containsKey("permissions")) {
                diagnostics.warning(
                        keys.get("permissions").key(),
                        "`permissions` has no effect here: Forge gives jobs no GitHub token");
            }
            Map<String, String> env = env(keys.get("env"), "the workflow", Place.WORKFLOW_ENV, Facts.WORKFLOW);
            List<String> secrets = secrets(keys.get("secrets"), "the workflow");
            RunDefaults defaults = defaults(
                    keys.get("defaults"),
                    new RunDefaults(flavor == Flavor.GITHUB ? "default" : "bash", ""),
                    "the workflow");
            String group = null;
            JsonNode cancelInProgress = BooleanNode.FALSE;
            Entry concurrency = keys.get("concurrency");
            if (concurrency != null) {
                if (concurrency.value() instanceof MappingNode mapping) {
                    Map<String, Entry> c = yaml.keys(mapping, CONCURRENCY_KEYS, "in `concurrency`", "key");
                    if (!c.containsKey("group")) {
                        diagnostics.error(mapping, "`concurrency` needs a `group`");
                    } else {
                        group = group(c.get("group"));
                    }
                    cancelInProgress = flag(
                            c.get("cancel-in-progress"),
                            false,
                            "`concurrency.cancel-in-progress`",
                            Place.WORKFLOW_CONCURRENCY,
                            Facts.WORKFLOW);
                } else {
                    group = group(concurrency);
                }
            }

            Entry jobsEntry = keys.get("jobs");
            Entry stepsEntry = keys.get("steps");
            List<JobTemplate> jobs = List.of();
            if (jobsEntry != null && stepsEntry != null) {
                diagnostics.error(
                        stepsEntry.key(), "use either `jobs` or top-level `steps` (the single-job format), not both");
            } else if (jobsEntry != null) {
                jobs = jobs(jobsEntry, env, secrets, defaults);
            } else if (stepsEntry != null) {
                Facts facts = new Facts(Set.of(), Set.of(), false, Set.of(), inputs, SINGLE_JOB_ID);
                List<StepTemplate> steps = steps(stepsEntry, SINGLE_JOB_ID, defaults, facts);
                JsonNode timeout = IntNode.valueOf(flavor.defaultTimeoutMinutes);
                jobs = List.of(new JobTemplate(
                        SINGLE_JOB_ID,
                        List.of(),
                        "success()",
                        env,
                        secrets,
                        Map.of(),
                        steps,
                        new Deferred(null, null, null, timeout, BooleanNode.FALSE),
                        false,
                        Map.of("job", Location.of(stepsEntry.key())),
                        null,
                        null,
                        null,
                        null));
            } else {
                diagnostics.error(
                        top,
                        "the workflow has no `jobs` (or, in the single-job format, no `steps`): there is nothing to run");
            }
            needs.check(jobs);
            if (callable != null) {
                callable = new Callable(callable.inputs(), callOutputs(jobs), callable.secrets());
            }
            return new CompiledWorkflow(
                    name,
                    file,
                    flavor,
                    runName,
                    on,
                    group,
                    cancelInProgress,
                    jobs,
                    List.of(),
                    List.copyOf(actions),
                    callable);
        }

        // ------------------------------------------------------------------------------------------
        // Jobs

        private List<JobTemplate> jobs(
                Entry entry, Map<String, String> workflowEnv, List<String> workflowSecrets, RunDefaults defaults) {
            MappingNode mapping = yaml.mapping(entry.value(), "`jobs` must be a mapping from job ids to jobs");
            if (mapping == null) {
                return List.of();
            }
            if (mapping.getValue().size() > MAX_JOBS) {
                diagnostics.error(
                        entry.key(),
                        "the workflow has " + mapping.getValue().size() + " jobs; at most " + MAX_JOBS
                                + " are allowed");
                throw new Abort();
            }
            Map<String, Entry> byId = yaml.keys(mapping, null, "in `jobs`", "job id");
            if (byId.isEmpty()) {
                diagnostics.error(entry.key(), "`jobs` is empty: define at least one job with `steps`");
            }
            List<JobTemplate> jobs = new ArrayList<>();
            for (Entry job : byId.values()) {
                if (!JOB_ID.matcher(job.name()).matches()) {
                    diagnostics.error(
                            job.key(),
                            "job id `" + YamlSource.abbreviate(job.name()) + "` must start with a letter or `_` and "
                                    + "contain only letters, digits, `-` and `_` (at most 100 characters)");
                }
                jobs.addAll(job(job, workflowEnv, workflowSecrets, defaults));
            }
            return jobs;
        }

        /** A job as written: one job, or, for a job that calls a reusable workflow, that workflow's jobs and the caller. */
        private List<JobTemplate> job(
                Entry entry,
                Map<String, String> workflowEnv,
                List<String> workflowSecrets,
                RunDefaults workflowDefaults) {
            String id = entry.name();
            String where = "job `" + id + "`";
            if (!(entry.value() instanceof MappingNode mapping)) {
                diagnostics.error(
                        entry.value(),
                        where + " must be a mapping with `steps`, not " + YamlSource.describe(entry.value()));
                return List.of();
            }
            Map<String, Entry> keys = yaml.keys(mapping, JOB_KEYS, "in " + where, "key");
            if (keys.containsKey("uses")) {
                return call(entry, keys, workflowSecrets);
            }
            return List.of(steppedJob(entry, keys, workflowEnv, workflowSecrets, workflowDefaults));
        }

        private JobTemplate steppedJob(
                Entry entry,
                Map<String, Entry> keys,
                Map<String, String> workflowEnv,
                List<String> workflowSecrets,
                RunDefaults workflowDefaults) {
            String id = entry.name();
            String where = "job `" + id + "`";
            Map<String, Location> locations = new HashMap<>();
            locations.put("job", Location.of(entry.key()));
            keys.forEach((key, value) -> locations.put(key, Location.of(value.value())));
            unsupported(
                    keys,
                    "concurrency",
                    "a job's own `concurrency` is not supported: set `concurrency` on the workflow");
            if (keys.containsKey("with")) {
                diagnostics.error(
                        keys.get("with").key(), "`with` of " + where + " belongs to `uses` (a reusable workflow)");
            }
            if (keys.containsKey("permissions")) {
                diagnostics.warning(
                        keys.get("permissions").key(),
                        "`permissions` has no effect here: Forge gives jobs no GitHub token");
            }
            if (keys.containsKey("environment")) {
                expressions.tree(keys.get("environment").value(), Place.JOB_ENVIRONMENT, Facts.WORKFLOW);
                diagnostics.warning(
                        keys.get("environment").key(),
                        "only the name of `environment` is kept: Forge has no deployment "
                                + "environments (protection rules, environment secrets)");
            }
            List<String> needed = needs.read(keys.get("needs"), id);
            Entry strategyEntry = keys.get("strategy");
            MatrixShape matrix = strategyEntry == null ? MatrixShape.NONE : matrixShape(strategyEntry);
            Facts facts = new Facts(Set.of(), new LinkedHashSet<>(needed), matrix.present(), matrix.keys(), inputs, id);

            JsonNode name = null;
            if (keys.containsKey("name")) {
                yaml.requiredText(keys.get("name"), "`name` of " + where);
                template(keys.get("name").value(), Place.JOB_NAME, facts);
                name = yaml.json(keys.get("name").value());
            }
            String condition = condition(keys.get("if"), where, Place.JOB_IF, facts);
            JsonNode runsOn = null;
            if (keys.containsKey("runs-on")) {
                runsOn = runsOn(keys.get("runs-on"), facts);
            } else if (flavor == Flavor.GITHUB) {
                diagnostics.error(
                        entry.key(),
                        where + " has no `runs-on`: name the runner it needs, for example `runs-on: ubuntu-latest`");
            }
            JsonNode strategy = strategyEntry == null ? null : strategy(strategyEntry, facts);
            JsonNode timeout = minutes(
                    keys.get("timeout-minutes"),
                    IntNode.valueOf(flavor.defaultTimeoutMinutes),
                    "`timeout-minutes` of " + where,
                    Place.JOB_TIMEOUT,
                    facts);
            JsonNode continueOnError = flag(
                    keys.get("continue-on-error"),
                    false,
                    "`continue-on-error` of " + where,
                    Place.JOB_CONTINUE_ON_ERROR,
                    facts);
            Map<String, String> env = new LinkedHashMap<>(workflowEnv);
            env.putAll(env(keys.get("env"), where, Place.JOB_ENV, facts));
            Set<String> secrets = new LinkedHashSet<>(workflowSecrets);
            Entry jobSecrets = keys.get("secrets");
            if (jobSecrets != null && !(jobSecrets.value() instanceof SequenceNode)) {
                diagnostics.error(
                        jobSecrets.key(),
                        "`secrets` of " + where + " lists secret names; `secrets: inherit` and a mapping "
                                + "pass secrets to a reusable workflow, in a job with `uses`");
            } else {
                secrets.addAll(secrets(jobSecrets, where));
            }
            RunDefaults defaults = defaults(keys.get("defaults"), workflowDefaults, where);
            List<StepTemplate> steps;
            if (keys.containsKey("steps")) {
                steps = steps(keys.get("steps"), id, defaults, facts);
            } else {
                diagnostics.error(entry.key(), where + " has no `steps`: add at least one step with `run`");
                steps = List.of();
            }
            Set<String> stepIds = new LinkedHashSet<>();
            steps.forEach(step -> {
                if (step.id() != null) {
                    stepIds.add(step.id());
                }
            });
            Map<String, String> outputs = outputs(keys.get("outputs"), where, facts.withSteps(stepIds));
            JsonNode container = keys.containsKey("container")
                    ? container(keys.get("container"), "`container` of " + where, facts)
                    : null;
            JsonNode services = keys.containsKey("services") ? services(keys.get("services"), where, facts) : null;
            Deferred deferred = new Deferred(name, runsOn, strategy, timeout, continueOnError);
            // Only a valid template can be asked what it reads; an invalid one never runs.
            boolean readsNeeds = !diagnostics.hasErrors() && JobInstances.readsNeeds(deferredTree(deferred));
            return new JobTemplate(
                    id,
                    needed,
                    condition,
                    env,
                    List.copyOf(secrets),
                    outputs,
                    steps,
                    deferred,
                    readsNeeds,
                    locations,
                    container,
                    services,
                    null,
                    null);
        }

        // ------------------------------------------------------------------------------------------
        // Reusable workflows

        /**
         * {@code jobs.<id>.uses}: the called workflow's jobs, each {@code <id>.<its id>}, needing what
         * the caller needs, and the caller itself, which needs them all and takes their result and the
         * outputs {@code on.workflow_call.outputs} maps. GitHub's rules: only the keys it lists, every
         * input in {@code with} declared, required inputs and secrets given.
         */
        private List<JobTemplate> call(Entry entry, Map<String, Entry> keys, List<String> workflowSecrets) {
            String id = entry.name();
            String where = "job `" + id + "`";
            for (Entry key : keys.values()) {
                if (!CALLER_KEYS.contains(key.name())) {
                    diagnostics.error(
                            key.key(),
                            "`" + key.name() + "` cannot be used in " + where + ", which calls a reusable workflow "
                                    + "with `uses`; such a job takes only " + String.join(", ", CALLER_KEYS));
                }
            }
            unsupported(
                    keys,
                    "concurrency",
                    "a job's own `concurrency` is not supported: set `concurrency` on the workflow");
            unsupported(
                    keys,
                    "strategy",
                    "a matrix of calls to a reusable workflow is not supported yet: call it once per "
                            + "combination, or put the matrix on the called workflow's jobs");
            if (keys.containsKey("permissions")) {
                diagnostics.warning(
                        keys.get("permissions").key(),
                        "`permissions` has no effect here: Forge gives jobs no GitHub token");
            }
            List<String> needed = needs.read(keys.get("needs"), id);
            Facts facts = new Facts(Set.of(), new LinkedHashSet<>(needed), false, Set.of(), inputs, id);
            String condition = condition(keys.get("if"), where, Place.JOB_IF, facts);
            String name = id;
            if (keys.containsKey("name")) {
                name = Optional.ofNullable(yaml.requiredText(keys.get("name"), "`name` of " + where))
                        .orElse(id);
                template(keys.get("name").value(), Place.JOB_NAME, facts);
            }
            Entry uses = keys.get("uses");
            Location at = Location.of(uses.value());
            Map<String, Location> locations = Map.of("job", at);
            JobTemplate caller = JobTemplate.caller(
                    id,
                    List.of(),
                    Map.of(),
                    new Deferred(
                            TextNode.valueOf(name),
                            null,
                            null,
                            IntNode.valueOf(flavor.defaultTimeoutMinutes),
                            BooleanNode.FALSE),
                    locations);
            String reference = yaml.requiredText(uses, "`uses` of " + where);
            if (reference == null) {
                return List.of(caller);
            }
            if (depth > 0) {
                diagnostics.error(
                        uses.value(),
                        where + " of a called workflow calls another one; Forge runs one level of reusable "
                                + "workflows (GitHub allows more): move its jobs into this file");
                return List.of(caller);
            }
            ActionReference target;
            try {
                target = ActionReference.parse(reference);
            } catch (ActionReference.InvalidReferenceException e) {
                diagnostics.error(uses.value(), e.getMessage());
                return List.of(caller);
            }
            String path = target instanceof ActionReference.Local local
                    ? local.path()
                    : target instanceof ActionReference.Remote remote ? remote.path() : "";
            if (!CALLED_PATH.matcher(path).matches() || target instanceof ActionReference.Checkout) {
                diagnostics.error(
                        uses.value(),
                        "`uses` of " + where + " must name a workflow file: ./.github/workflows/<file>.yml or "
                                + "owner/repo/.github/workflows/<file>.yml@ref, not `"
                                + YamlSource.abbreviate(reference) + "`");
                return List.of(caller);
            }
            CalledWorkflows.Lookup lookup = called.find(target);
            if (lookup instanceof CalledWorkflows.Unchecked unchecked) {
                diagnostics.warning(uses.value(), unchecked.reason());
                return List.of(caller);
            }
            if (lookup instanceof CalledWorkflows.Missing missing) {
                diagnostics.error(
                        uses.value(),
                        where + " calls " + target.display() + ", which cannot be read: " + missing.reason());
                return List.of(caller);
            }
            CalledWorkflows.Found found = (CalledWorkflows.Found) lookup;
            if (found.text() == null) {
                diagnostics.absorb(YamlSource.tooLarge(found.file(), 0));
                return List.of(caller);
            }
            Diagnostics inner = new Diagnostics(found.file());
            CompiledWorkflow workflow = WorkflowCompiler.compile(found.file(), found.text(), called, depth + 1, inner);
            inner.errors().forEach(diagnostics::absorb);
            inner.warnings().forEach(diagnostics::absorbWarning);
            if (workflow == null || inner.hasErrors()) {
                return List.of(caller);
            }
            if (workflow.callable() == null) {
                diagnostics.error(
                        uses.value(), found.file() + " is not a reusable workflow: its `on` has no `workflow_call`");
                return List.of(caller);
            }
            Callable callable = workflow.callable();
            JsonNode with = with(keys.get("with"), where, callable, facts, uses);
            Map<String, String> secrets = passedSecrets(keys.get("secrets"), where, callable, uses);
            boolean withReadsNeeds = with.size() > 0 && JobInstances.readsNeeds(with);
            TemplateCall call = new TemplateCall(
                    id,
                    name,
                    needed,
                    condition,
                    with,
                    callable,
                    secrets,
                    locations,
                    withReadsNeeds,
                    secrets == null ? workflowSecrets : List.of());
            List<JobTemplate> jobs = new ArrayList<>();
            for (JobTemplate job : workflow.jobs()) {
                jobs.add(call.job(job));
            }
            jobs.add(call.caller(caller, jobs));
            return jobs;
        }

        /** {@code with}: every name an input the called workflow declares; the required ones present. */
        private JsonNode with(Entry entry, String where, Callable callable, Facts facts, Entry uses) {
            ObjectNode with = JsonNodeFactory.instance.objectNode();
            if (entry != null) {
                MappingNode mapping = yaml.mapping(
                        entry.value(), "`with` of " + where + " must be a mapping of input names to values");
                if (mapping != null) {
                    for (Entry input : yaml.keys(mapping, null, "in `with` of " + where, "input")
                            .values()) {
                        if (!callable.inputs().containsKey(input.name())) {
                            diagnostics.error(
                                    input.key(),
                                    "`" + YamlSource.abbreviate(input.name()) + "` is not an input of the called "
                                            + "workflow"
                                            + (callable.inputs().isEmpty()
                                                    ? " (it declares none)"
                                                    : "; it has "
                                                            + String.join(
                                                                    ", ",
                                                                    callable.inputs()
                                                                            .keySet())));
                            continue;
                        }
                        if (!(input.value() instanceof ScalarNode)) {
                            diagnostics.error(
                                    input.value(),
                                    "input `" + input.name() + "` in `with` of " + where
                                            + " must be a string, number or boolean, not "
                                            + YamlSource.describe(input.value()));
                            continue;
                        }
                        template(input.value(), Place.JOB_WITH, facts);
                        with.set(input.name(), yaml.json(input.value()));
                    }
                }
            }
            callable.inputs().forEach((name, input) -> {
                if (input.required() && input.defaultValue() == null && !with.has(name)) {
                    diagnostics.error(
                            uses.value(),
                            where + " does not give the called workflow's required input `" + name + "` (in `with`)");
                }
            });
            return with;
        }

        /**
         * {@code secrets: inherit} (null: every secret by its name) or a mapping of the called
         * workflow's secret names to {@code ${{ secrets.NAME }}} of this repository; no key: none.
         */
        private Map<String, String> passedSecrets(Entry entry, String where, Callable callable, Entry uses) {
            if (entry != null
                    && entry.value() instanceof ScalarNode scalar
                    && scalar.getValue().equals("inherit")) {
                return null;
            }
            Map<String, String> passed = new LinkedHashMap<>();
            if (entry != null) {
                MappingNode mapping = yaml.mapping(
                        entry.value(),
                        "`secrets` of " + where + " must be `inherit` or a mapping of the "
                                + "called workflow's secret names to ${{ secrets.NAME }}");
                if (mapping != null) {
                    for (Entry secret : yaml.keys(mapping, null, "in `secrets` of " + where, "secret")
                            .values()) {
                        String value = yaml.text(secret, "`secrets." + secret.name() + "` of " + where);
                        java.util.regex.Matcher source = value == null ? null : PASSED_SECRET.matcher(value.strip());
                        if (!callable.secrets().containsKey(secret.name())) {
                            diagnostics.error(
                                    secret.key(),
                                    "`" + YamlSource.abbreviate(secret.name()) + "` is not a secret of the called "
                                            + "workflow"
                                            + (callable.secrets().isEmpty()
                                                    ? " (`on.workflow_call.secrets` declares none)"
                                                    : "; it has "
                                                            + String.join(
                                                                    ", ",
                                                                    callable.secrets()
                                                                            .keySet())));
                        } else if (source == null || !source.matches()) {
                            diagnostics.error(
                                    secret.value(),
                                    "`secrets." + secret.name() + "` of " + where + " must be ${{ secrets.NAME }}: "
                                            + "Forge passes a secret of this repository by name");
                        } else {
                            passed.put(secret.name(), source.group(1));
                        }
                    }
                }
            }
            callable.secrets().forEach((name, required) -> {
                if (required && !passed.containsKey(name)) {
                    diagnostics.error(
                            uses.value(),
                            where + " does not pass the called workflow's required secret `" + name
                                    + "` (in `secrets`, or `secrets: inherit`)");
                }
            });
            return passed;
        }

        /** The outputs of {@code on.workflow_call}, each a {@code value} over the {@code jobs} context of this file's jobs. */
        private Map<String, String> callOutputs(List<JobTemplate> jobs) {
            Set<String> ids = new LinkedHashSet<>();
            jobs.forEach(job -> ids.add(job.id()));
            Facts facts = new Facts(Set.of(), ids, false, Set.of(), inputs, null);
            Map<String, String> outputs = new LinkedHashMap<>();
            for (Entry output : callOutputs.values()) {
                String where = "output `" + output.name() + "` of `on.workflow_call`";
                Map<String, Entry> fields = yaml.fields(output, CALL_OUTPUT_KEYS, where);
                if (!fields.containsKey("value")) {
                    diagnostics.error(
                            output.key(), where + " needs a `value`, for example ${{ jobs.build.outputs.version }}");
                    continue;
                }
                String value = yaml.text(fields.get("value"), "`value` of " + where);
                template(fields.get("value").value(), Place.WORKFLOW_CALL_OUTPUTS, facts);
                outputs.put(output.name(), value == null ? "" : value);
            }
            return outputs;
        }

        /**
         * A container as GitHub describes one: its image as text, or a mapping of {@code image},
         * {@code env}, {@code ports}, {@code volumes}, {@code options} and {@code credentials}; kept as
         * templates, evaluated by the controller when the job starts.
         */
        private JsonNode container(Entry entry, String where, Facts facts) {
            ObjectNode spec = JsonNodeFactory.instance.objectNode();
            if (entry.value() instanceof ScalarNode) {
                String image = yaml.requiredText(entry, "the image of " + where);
                template(entry.value(), Place.JOB_CONTAINER, facts);
                return image == null ? null : spec.put("image", image);
            }
            MappingNode mapping = yaml.mapping(entry.value(), where + " must be an image or a mapping with `image`");
            if (mapping == null) {
                return null;
            }
            Map<String, Entry> keys = yaml.keys(mapping, CONTAINER_KEYS, "in " + where, "key");
            if (!keys.containsKey("image")) {
                diagnostics.error(entry.key(), where + " has no `image`");
                return null;
            }
            String image = yaml.requiredText(keys.get("image"), "`image` of " + where);
            template(keys.get("image").value(), Place.JOB_CONTAINER, facts);
            spec.put("image", image);
            ObjectNode env = spec.putObject("env");
            env(keys.get("env"), where, Place.JOB_CONTAINER, facts).forEach(env::put);
            for (String list : List.of("ports", "volumes")) {
                if (keys.containsKey(list)) {
                    ArrayNode items = spec.putArray(list);
                    yaml.textList(keys.get(list), "`" + list + "` of " + where).forEach(items::add);
                    template(keys.get(list).value(), Place.JOB_CONTAINER, facts);
                }
            }
            if (keys.containsKey("options")) {
                spec.put("options", yaml.text(keys.get("options"), "`options` of " + where));
                template(keys.get("options").value(), Place.JOB_CONTAINER, facts);
            }
            if (keys.containsKey("credentials")) {
                MappingNode credentials = yaml.mapping(
                        keys.get("credentials").value(),
                        "`credentials` of " + where + " must be a mapping with `username` and `password`");
                if (credentials != null) {
                    Map<String, Entry> fields =
                            yaml.keys(credentials, CREDENTIALS_KEYS, "in `credentials` of " + where, "key");
                    ObjectNode given = spec.putObject("credentials");
                    for (Map.Entry<String, Entry> field : fields.entrySet()) {
                        given.put(
                                field.getKey(),
                                yaml.text(field.getValue(), "`credentials." + field.getKey() + "` of " + where));
                        template(field.getValue().value(), Place.JOB_CONTAINER, facts);
                    }
                }
            }
            return image == null ? null : spec;
        }

        /** {@code services}: containers by name, each reachable from the job under its name. */
        private JsonNode services(Entry entry, String where, Facts facts) {
            MappingNode mapping = yaml.mapping(
                    entry.value(), "`services` of " + where + " must be a mapping of service names to containers");
            if (mapping == null) {
                return null;
            }
            ObjectNode services = JsonNodeFactory.instance.objectNode();
            for (Entry service : yaml.keys(mapping, null, "in `services` of " + where, "service")
                    .values()) {
                if (!SERVICE_NAME.matcher(service.name()).matches()) {
                    diagnostics.error(
                            service.key(),
                            "`" + YamlSource.abbreviate(service.name()) + "` in `services` of " + where
                                    + " is not a service name (letters, digits, '-' and '_'): it becomes the service's host name");
                    continue;
                }
                JsonNode spec = container(service, "service `" + service.name() + "` of " + where, facts);
                if (spec != null) {
                    services.set(service.name(), spec);
                }
            }
            return services;
        }

        private static JsonNode deferredTree(Deferred deferred) {
            var tree = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            tree.set("name", deferred.name());
            tree.set("runsOn", deferred.runsOn());
            tree.set("strategy", deferred.strategy());
            tree.set("timeoutMinutes", deferred.timeoutMinutes());
            tree.set("continueOnError", deferred.continueOnError());
            return tree;
        }

        private void unsupported(Map<String, Entry> keys, String key, String message) {
            if (keys.containsKey(key)) {
                diagnostics.error(keys.get(key).key(), message);
            }
        }

        /** What the compiler knows of a job's matrix before it is evaluated: its keys, unless an expression computes them. */
        private record MatrixShape(boolean present, Set<String> keys) {
            static final MatrixShape NONE = new MatrixShape(false, Set.of());
        }

        private MatrixShape matrixShape(Entry strategy) {
            if (!(strategy.value() instanceof MappingNode mapping)) {
                return MatrixShape.NONE;
            }
            Node matrix = null;
            for (var tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key
                        && key.getValue().equals("matrix")) {
                    matrix = tuple.getValueNode();
                }
            }
            if (matrix == null) {
                return MatrixShape.NONE;
            }
            if (!(matrix instanceof MappingNode vectors)) {
                return new MatrixShape(true, null);
            }
            Set<String> names = new LinkedHashSet<>();
            for (var tuple : vectors.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    continue;
                }
                switch (key.getValue()) {
                    case "exclude" -> {}
                    case "include" -> {
                        if (!(tuple.getValueNode() instanceof SequenceNode entries)) {
                            return new MatrixShape(true, null);
                        }
                        for (Node entry : entries.getValue()) {
                            if (!(entry instanceof MappingNode included)) {
                                return new MatrixShape(true, null);
                            }
                            included.getValue().forEach(t -> {
                                if (t.getKeyNode() instanceof ScalarNode k) {
                                    names.add(k.getValue());
                                }
                            });
                        }
                    }
                    default -> names.add(key.getValue());
                }
            }
            return new MatrixShape(true, names);
        }

        private JsonNode strategy(Entry entry, Facts facts) {
            if (entry.value() instanceof ScalarNode scalar && Template.hasExpressions(scalar.getValue())) {
                template(scalar, Place.JOB_STRATEGY, facts);
                return yaml.json(scalar);
            }
            MappingNode mapping = yaml.mapping(
                    entry.value(), "`strategy` of job `" + facts.job() + "` must be a mapping with `matrix`");
            if (mapping == null) {
                return null;
            }
            Map<String, Entry> keys =
                    yaml.keys(mapping, STRATEGY_KEYS, "in `strategy` of job `" + facts.job() + "`", "key");
            Entry matrix = keys.get("matrix");
            if (matrix != null) {
                if (matrix.value() instanceof MappingNode vectors) {
                    for (Entry vector : yaml.keys(vectors, null, "in `strategy.matrix`", "key")
                            .values()) {
                        boolean special =
                                vector.name().equals("include") || vector.name().equals("exclude");
                        Node value = vector.value();
                        boolean expression = value instanceof ScalarNode s && Template.hasExpressions(s.getValue());
                        if (!expression && !(value instanceof SequenceNode)) {
                            diagnostics.error(
                                    value,
                                    "`matrix." + vector.name() + "` must be a list "
                                            + (special ? "of mappings" : "of values") + ", not "
                                            + YamlSource.describe(value));
                        }
                    }
                } else if (!(matrix.value() instanceof ScalarNode s && Template.hasExpressions(s.getValue()))) {
                    diagnostics.error(
                            matrix.value(),
                            "`strategy.matrix` must be a mapping of names to lists of values, or an "
                                    + "expression such as ${{ fromJSON(needs.setup.outputs.matrix) }}, not "
                                    + YamlSource.describe(matrix.value()));
                }
            }
            if (keys.containsKey("fail-fast")) {
                flag(keys.get("fail-fast"), true, "`strategy.fail-fast`", Place.JOB_STRATEGY, facts);
            }
            if (keys.containsKey("max-parallel")) {
                minutesLike(
                        keys.get("max-parallel"),
                        "`strategy.max-parallel`",
                        1,
                        Integer.MAX_VALUE,
                        Place.JOB_STRATEGY,
                        facts);
            }
            expressions.tree(mapping, Place.JOB_STRATEGY, facts);
            return yaml.json(mapping);
        }

        private JsonNode runsOn(Entry entry, Facts facts) {
            Node value = entry.value();
            if (value instanceof MappingNode mapping) {
                Map<String, Entry> keys = yaml.keys(mapping, ordered("group", "labels"), "in `runs-on`", "key");
                if (keys.containsKey("group")) {
                    diagnostics.warning(
                            keys.get("group").key(),
                            "runner groups mean nothing here: a job runs on any runner with its labels");
                }
            } else if (value instanceof ScalarNode scalar && YamlSource.isNull(scalar)) {
                diagnostics.error(
                        entry.key(),
                        "`runs-on` is empty: name the runner label the job needs, for example ubuntu-latest");
            } else if (!(value instanceof ScalarNode) && !(value instanceof SequenceNode)) {
                diagnostics.error(value, "`runs-on` must be a label, a list of labels or a mapping with `labels`");
            }
            expressions.tree(value, Place.JOB_RUNS_ON, facts);
            return yaml.json(value);
        }

        private Map<String, String> outputs(Entry entry, String where, Facts facts) {
            if (entry == null) {
                return Map.of();
            }
            MappingNode mapping = yaml.mapping(
                    entry.value(), "`outputs` of " + where + " must be a mapping of output names to values");
            if (mapping == null) {
                return Map.of();
            }
            Map<String, String> outputs = new LinkedHashMap<>();
            for (Entry output : yaml.keys(mapping, null, "in `outputs` of " + where, "output")
                    .values()) {
                if (!OUTPUT_NAME.matcher(output.name()).matches()) {
                    diagnostics.error(
                            output.key(),
                            "output name `" + YamlSource.abbreviate(output.name()) + "` of " + where
                                    + " must start with a letter or `_` and contain only letters, digits, `-` and `_`");
                }
                String value = yaml.text(output, "output `" + output.name() + "` of " + where);
                if (value != null) {
                    template(output.value(), Place.JOB_OUTPUTS, facts);
                    outputs.put(output.name(), value);
                }
            }
            return outputs;
        }

        // ------------------------------------------------------------------------------------------
        // Steps

        private List<StepTemplate> steps(Entry entry, String jobId, RunDefaults defaults, Facts facts) {
            String where = "job `" + jobId + "`";
            SequenceNode sequence = yaml.sequence(entry.value(), "`steps` of " + where + " must be a list of steps");
            if (sequence == null) {
                return List.of();
            }
            int count = sequence.getValue().size();
            if (count == 0) {
                diagnostics.error(entry.key(), where + " has no steps: add at least one step with `run`");
            } else if (count > MAX_STEPS_PER_JOB) {
                diagnostics.error(
                        entry.key(),
                        where + " has " + count + " steps; at most " + MAX_STEPS_PER_JOB + " are allowed per job");
                return List.of();
            }
            List<StepTemplate> steps = new ArrayList<>();
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < count; i++) {
                StepTemplate step =
                        step(sequence.getValue().get(i), i, jobId, defaults, facts.withSteps(Set.copyOf(ids)), ids);
                if (step != null) {
                    steps.add(step);
                }
            }
            return steps;
        }

        /** {@code index} counts from 0, as on the wire; messages count from 1, as people do. */
        private StepTemplate step(
                Node node, int index, String jobId, RunDefaults defaults, Facts facts, Set<String> ids) {
            yaml.visit(node);
            String where = "step " + (index + 1) + " of job `" + jobId + "`";
            if (!(node instanceof MappingNode mapping)) {
                diagnostics.error(node, where + " must be a mapping with `run`, not " + YamlSource.describe(node));
                return null;
            }
            Map<String, Entry> keys = yaml.keys(mapping, STEP_KEYS, "in " + where, "key");
            String id = null;
            if (keys.containsKey("id")) {
                id = yaml.requiredText(keys.get("id"), "`id` of " + where);
                if (id != null && !STEP_ID.matcher(id).matches()) {
                    diagnostics.error(
                            keys.get("id").value(),
                            "step id `" + YamlSource.abbreviate(id) + "` must start with a letter or `_` "
                                    + "and contain only letters, digits, `-` and `_`");
                } else if (id != null && !ids.add(id)) {
                    diagnostics.error(
                            keys.get("id").value(), "step id `" + id + "` is used twice in job `" + jobId + "`");
                }
            }
            Entry runEntry = keys.get("run");
            Entry usesEntry = keys.get("uses");
            String run = null;
            String uses = null;
            if (runEntry != null && usesEntry != null) {
                diagnostics.error(usesEntry.key(), where + " has both `run` and `uses`; a step does one of them");
            } else if (runEntry != null) {
                run = yaml.requiredText(runEntry, "`run` of " + where);
                if (run != null) {
                    template(runEntry.value(), Place.STEP, facts);
                }
            } else if (usesEntry != null) {
                uses = uses(usesEntry, where);
            } else {
                diagnostics.error(
                        mapping, where + " has no `run`: every step needs a command to execute (or `uses` an action)");
            }
            Map<String, String> with = with(keys.get("with"), usesEntry, uses, where, facts);
            String name = null;
            if (keys.containsKey("name")) {
                name = yaml.requiredText(keys.get("name"), "`name` of " + where);
                template(keys.get("name").value(), Place.STEP, facts);
            }
            if (name == null) {
                name = run != null ? YamlSource.defaultStepName(run) : uses != null ? uses : "step " + (index + 1);
            }
            String shell = keys.containsKey("shell") ? shell(keys.get("shell"), where) : defaults.shell();
            String workingDirectory = defaults.workingDirectory();
            if (keys.containsKey("working-directory")) {
                workingDirectory = yaml.text(keys.get("working-directory"), "`working-directory` of " + where);
                template(keys.get("working-directory").value(), Place.STEP, facts);
            }
            Map<String, String> env = env(keys.get("env"), where, Place.STEP, facts);
            JsonNode timeout = keys.containsKey("timeout-minutes")
                    ? minutes(keys.get("timeout-minutes"), null, "`timeout-minutes` of " + where, Place.STEP, facts)
                    : null;
            JsonNode continueOnError = flag(
                    keys.get("continue-on-error"),
                    false,
                    "`continue-on-error` of " + where,
                    Place.STEP_CONTINUE_ON_ERROR,
                    facts);
            String condition = condition(keys.get("if"), where, Place.STEP_IF, facts);
            return new StepTemplate(
                    index,
                    id,
                    name,
                    run,
                    uses,
                    with,
                    shell,
                    workingDirectory,
                    env,
                    timeout,
                    continueOnError,
                    condition);
        }

        /**
         * Any action GitHub's syntax names ({@code owner/repo[/path]@ref}, {@code ./path},
         * {@code docker://image}); whether it can be fetched is known only when the job runs, on
         * its controller. {@code actions/checkout} is built in.
         */
        private String uses(Entry entry, String where) {
            String uses = yaml.requiredText(entry, "`uses` of " + where);
            if (uses == null) {
                return null;
            }
            try {
                ActionReference.parse(uses);
                actions.add(new CompiledWorkflow.ActionUse(uses, Location.of(entry.value())));
                return uses;
            } catch (ActionReference.InvalidReferenceException e) {
                diagnostics.error(entry.value(), e.getMessage());
                return null;
            }
        }

        /** The inputs of the action {@code uses} names; null (and no second error) when {@code uses} itself was refused. */
        private Map<String, String> with(Entry entry, Entry usesEntry, String uses, String where, Facts facts) {
            if (entry == null) {
                return null;
            }
            if (usesEntry == null) {
                diagnostics.error(entry.key(), "`with` of " + where + " gives inputs to an action, so it needs `uses`");
                return null;
            }
            if (uses == null) {
                return null;
            }
            MappingNode mapping =
                    yaml.mapping(entry.value(), "`with` of " + where + " must be a mapping of input names to values");
            if (mapping == null) {
                return null;
            }
            boolean checkout = ActionReference.parse(uses) instanceof ActionReference.Checkout;
            Map<String, String> with = new LinkedHashMap<>();
            for (Entry input :
                    yaml.keys(mapping, null, "in `with` of " + where, "input").values()) {
                String value = yaml.text(input, "input `" + input.name() + "` of " + where);
                if (value != null) {
                    template(input.value(), Place.STEP, facts);
                    with.put(input.name(), value);
                    if (checkout && CHECKOUT_IGNORED.contains(input.name())) {
                        diagnostics.warning(
                                input.key(),
                                "actions/checkout's `" + input.name() + "` is ignored: Forge fetches from the "
                                        + "repository's seed itself");
                    } else if (checkout && !CHECKOUT_INPUTS.contains(input.name())) {
                        diagnostics.warning(
                                input.key(),
                                "Unexpected input '" + input.name() + "', valid inputs are "
                                        + String.join(", ", CHECKOUT_INPUTS));
                    }
                }
            }
            return with;
        }

        // ------------------------------------------------------------------------------------------
        // Values

        private Map<String, String> env(Entry entry, String where, Place place, Facts facts) {
            if (entry == null || YamlSource.isNull(entry.value())) {
                return Map.of();
            }
            MappingNode mapping =
                    yaml.mapping(entry.value(), "`env` of " + where + " must be a mapping of variable names to values");
            if (mapping == null) {
                return Map.of();
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (Entry variable :
                    yaml.keys(mapping, null, "in `env` of " + where, "variable").values()) {
                if (!ENV_NAME.matcher(variable.name()).matches()) {
                    diagnostics.error(
                            variable.key(),
                            "`" + YamlSource.abbreviate(variable.name()) + "` in `env` of " + where
                                    + " is not a valid variable name (letters, digits and `_`, not starting with a digit)");
                }
                String value = yaml.text(variable, "`env." + variable.name() + "` of " + where);
                if (value != null) {
                    template(variable.value(), place, facts);
                }
                env.put(variable.name(), value == null ? "" : value);
            }
            return env;
        }

        private List<String> secrets(Entry entry, String where) {
            if (entry == null) {
                return List.of();
            }
            List<String> names = yaml.textList(entry, "`secrets` of " + where);
            SequenceNode sequence = entry.value() instanceof SequenceNode s ? s : null;
            for (int i = 0; i < names.size(); i++) {
                if (!SECRET_NAME.matcher(names.get(i)).matches()) {
                    diagnostics.error(
                            sequence == null
                                    ? entry.value()
                                    : sequence.getValue().get(i),
                            "secret name `"
                                    + YamlSource.abbreviate(names.get(i)) + "` in " + where
                                    + " must be upper case letters, digits and `_`, "
                                    + "not starting with a digit (for example NPM_TOKEN)");
                }
            }
            return names.stream().distinct().toList();
        }

        private String shell(Entry entry, String where) {
            String shell = yaml.requiredText(entry, "`shell` of " + where);
            if (shell == null || SHELLS.contains(shell) || shell.contains("{0}")) {
                return shell;
            }
            if (UNAVAILABLE_SHELLS.contains(shell)) {
                diagnostics.error(
                        entry.value(),
                        "`shell: " + shell + "` of " + where + " is not available: the runner image has bash, sh "
                                + "and python (or give a command template with {0}, for example `python3 {0}`)");
            } else {
                diagnostics.error(
                        entry.value(),
                        "`shell` of " + where + " must be bash, sh, python, or a command template containing {0} "
                                + "(for example `python3 {0}`), not `" + YamlSource.abbreviate(shell) + "`");
            }
            return shell;
        }

        private String condition(Entry entry, String where, Place place, Facts facts) {
            if (entry == null) {
                return "success()";
            }
            if (!(entry.value() instanceof ScalarNode scalar)) {
                diagnostics.error(
                        entry.value(),
                        "`if` of " + where + " must be an expression, not " + YamlSource.describe(entry.value()));
                return "success()";
            }
            if (YamlSource.isNull(scalar)) {
                return "success()";
            }
            String normalized = expressions.condition(scalar, place, facts);
            return normalized == null ? "success()" : normalized;
        }

        /** A number from 1 to the maximum, or a template; {@code fallback} when not written. */
        private JsonNode minutes(Entry entry, JsonNode fallback, String what, Place place, Facts facts) {
            if (entry == null) {
                return fallback;
            }
            return minutesLike(entry, what, 1, MAX_TIMEOUT_MINUTES, place, facts);
        }

        private JsonNode minutesLike(Entry entry, String what, int min, int max, Place place, Facts facts) {
            if (entry.value() instanceof ScalarNode scalar) {
                if (Template.hasExpressions(scalar.getValue())) {
                    template(scalar, place, facts);
                    return TextNode.valueOf(scalar.getValue());
                }
                if (scalar.getTag().equals(Tag.INT) || scalar.getTag().equals(Tag.FLOAT)) {
                    try {
                        double value = Double.parseDouble(scalar.getValue().replace("_", ""));
                        if (value >= min && value <= max) {
                            return value == Math.rint(value)
                                    ? IntNode.valueOf((int) value)
                                    : com.fasterxml.jackson.databind.node.DoubleNode.valueOf(value);
                        }
                    } catch (NumberFormatException notDecimal) {
                        // reported below
                    }
                }
            }
            diagnostics.error(
                    entry.value(),
                    what + " must be a " + (max == MAX_TIMEOUT_MINUTES ? "number of minutes" : "whole number")
                            + " from " + min + " to " + max + ", not " + YamlSource.describe(entry.value()));
            return null;
        }

        /** A boolean, or a template; {@code fallback} when not written. */
        private JsonNode flag(Entry entry, boolean fallback, String what, Place place, Facts facts) {
            if (entry == null) {
                return BooleanNode.valueOf(fallback);
            }
            if (entry.value() instanceof ScalarNode scalar) {
                if (scalar.getTag().equals(Tag.BOOL)) {
                    return BooleanNode.valueOf(YamlSource.isTrue(scalar));
                }
                if (Template.hasExpressions(scalar.getValue())) {
                    template(scalar, place, facts);
                    return TextNode.valueOf(scalar.getValue());
                }
            }
            diagnostics.error(
                    entry.value(),
                    what + " must be true or false (or an expression), not " + YamlSource.describe(entry.value()));
            return BooleanNode.valueOf(fallback);
        }

        private RunDefaults defaults(Entry entry, RunDefaults inherited, String where) {
            if (entry == null) {
                return inherited;
            }
            MappingNode mapping =
                    yaml.mapping(entry.value(), "`defaults` of " + where + " must be a mapping with `run`");
            Map<String, Entry> keys =
                    mapping == null ? Map.of() : yaml.keys(mapping, DEFAULTS_KEYS, "in `defaults` of " + where, "key");
            MappingNode run = keys.containsKey("run")
                    ? yaml.mapping(keys.get("run").value(), "`defaults.run` of " + where + " must be a mapping")
                    : null;
            if (run == null) {
                return inherited;
            }
            Map<String, Entry> runKeys = yaml.keys(run, RUN_DEFAULTS_KEYS, "in `defaults.run` of " + where, "key");
            String shell = runKeys.containsKey("shell")
                    ? shell(runKeys.get("shell"), "`defaults.run` of " + where)
                    : inherited.shell();
            String workingDirectory = inherited.workingDirectory();
            if (runKeys.containsKey("working-directory")) {
                workingDirectory =
                        yaml.text(runKeys.get("working-directory"), "`defaults.run.working-directory` of " + where);
                template(runKeys.get("working-directory").value(), Place.JOB_DEFAULTS, Facts.WORKFLOW);
            }
            return new RunDefaults(shell, workingDirectory);
        }

        private String group(Entry entry) {
            String group = yaml.requiredText(entry, "`concurrency.group`");
            if (group != null) {
                template(entry.value(), Place.WORKFLOW_CONCURRENCY, Facts.WORKFLOW);
            }
            return group;
        }

        private void template(Node node, Place place, Facts facts) {
            if (node instanceof ScalarNode scalar) {
                expressions.template(scalar, place, facts);
            }
        }

        private static String defaultName(String file) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            return base.replaceFirst("\\.(ya?ml)$", "");
        }
    }
}
