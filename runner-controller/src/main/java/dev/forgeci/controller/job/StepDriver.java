package dev.forgeci.controller.job;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.actions.ActionSource;
import dev.forgeci.controller.actions.ActionUnavailableException;
import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.Status;
import dev.forgeci.controller.log.JobLog;
import dev.forgeci.controller.log.SecretMasker;
import dev.forgeci.controller.runner.Attachment;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.StepFiles;
import dev.forgeci.language.action.ActionMetadata;
import dev.forgeci.language.expr.Condition;
import dev.forgeci.language.expr.Evaluator;
import dev.forgeci.language.expr.ExpressionException;
import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.expr.Template;
import dev.forgeci.language.expr.Values;

/**
 * Drives a job's steps through the agent, as GitHub's runner drives its steps: once the checkout is
 * done it evaluates each step's {@code if} against the job's contexts (with the trigger-service's
 * expression library), evaluates the step's name, environment, script and working directory,
 * writes its files into the runner and asks the agent to run it; when the step ends it reads the
 * runtime files the step wrote ($GITHUB_OUTPUT, $GITHUB_ENV, $GITHUB_PATH, $GITHUB_STEP_SUMMARY)
 * and decides the step's outcome and conclusion (continue-on-error). At the end it evaluates the
 * job's outputs. It runs on the job's own thread; the agent is idle whenever it evaluates, which is
 * when {@code hashFiles()} can be asked of it.
 */
final class StepDriver {

    /** How the steps left the job: {@code status} success, failure or error, with the failing step's exit code and cause. */
    record Result(Status status, Integer exitCode, String cause, Integer step, Map<String, String> outputs) {}

    /** GitHub's limits: a job's outputs may hold 1 MiB; here they travel on one Kafka record, so 256 KiB. */
    static final int MAX_OUTPUT_BYTES = 256 * 1024;
    /** What a step's runtime files may hold together before the step fails. */
    static final long MAX_RUNTIME_BYTES = 2L << 20;

    static final int MAX_SUMMARY_CHARS = 64 * 1024;
    private static final long HASH_TIMEOUT_SECONDS = 120;
    /** GitHub refuses these in $GITHUB_ENV: they would change how every later program starts. */
    private static final List<String> PROTECTED_ENV = List.of("NODE_OPTIONS");

    private final JobDispatched dispatch;
    private final RunnerEngine engine;
    private final Runner runner;
    private final Attachment agent;
    private final StepTracker tracker;
    private final JobLog log;
    private final SecretMasker masker;
    private final Map<String, String> injectedSecrets;
    private final StepContext context;
    private final CompletableFuture<Void> outputEnded;
    private final AtomicInteger hashes = new AtomicInteger();
    private final ActionSteps actions;
    /** Post phases of the actions that ran, in the order their main steps ran. */
    private final List<ActionSteps.Phase> posts = new ArrayList<>();
    /** The job runs in a container ({@code jobs.<id>.container}): its run steps are exec'd into it. */
    private boolean inContainer;
    /** What each step saved for its post phase ($GITHUB_STATE, ::save-state::), by step index. */
    private final Map<Integer, Map<String, String>> states = new LinkedHashMap<>();

    StepDriver(
            JobDispatched dispatch,
            RunnerEngine engine,
            Runner runner,
            Attachment agent,
            StepTracker tracker,
            JobLog log,
            SecretMasker masker,
            Map<String, String> injectedSecrets,
            ObjectNode secrets,
            String runnerName,
            BooleanSupplier cancelling,
            ActionSource actionSource) {
        this.dispatch = dispatch;
        this.engine = engine;
        this.runner = runner;
        this.agent = agent;
        this.tracker = tracker;
        this.log = log;
        this.masker = masker;
        this.injectedSecrets = injectedSecrets;
        this.outputEnded = agent.ended().toCompletableFuture();
        this.context = new StepContext(dispatch, secrets, runnerName, cancelling, this::hashFiles);
        this.actions = new ActionSteps(actionSource, engine, runner, log);
    }

    /** The first thing that failed the job (what, which step, which exit code); a later failure does not replace it. */
    private static final class FirstFailure {
        String cause;
        Integer step;
        int exitCode;

        void record(String cause, Integer step, Integer exitCode) {
            if (this.cause == null) {
                this.cause = cause;
                this.step = step;
                this.exitCode = exitCode == null || exitCode == 0 ? 1 : exitCode;
            }
        }

        /** A phase or step that ended: its failure is recorded if it fails the job. */
        void record(StepOutcome outcome, int index) {
            if (outcome.failsJob()) {
                record(outcome.timeout() ? "timeout" : "step", index, outcome.exitCode());
            }
        }
    }

    /** Runs the steps; null when the runner went away before the agent could report (the caller decides from its exit). */
    Result run() {
        Integer checkout = await(tracker.setup());
        if (checkout == null) {
            return null;
        }
        FirstFailure failure = new FirstFailure();
        if (checkout != 0) {
            context.failed();
            failure.record("checkout", null, checkout);
        }
        JobDispatched.Job job = dispatch.job();
        String unavailable = actions.setUp(job.stepsOrEmpty());
        if (unavailable != null) {
            // as GitHub's "Set up job": no step runs when an action cannot be had
            log.system("forge: " + unavailable);
            agent.send("exit 1");
            return new Result(Status.FAILURE, 1, "action", null, Map.of());
        }
        try {
            for (Map.Entry<String, String> variable : job.envOrEmpty().entrySet()) {
                context.env().put(variable.getKey(), Template.render(variable.getValue(), context.scope(Map.of())));
            }
        } catch (ExpressionException e) {
            log.system("forge: the job's env could not be evaluated: " + e.getMessage());
            context.failed();
            failure.record("env", null, 1);
        }
        if (failure.cause == null && JobContainers.any(job.container(), job.services())) {
            Integer started = containers(job);
            if (started == null) {
                return null;
            }
            if (started != 0) {
                agent.send("exit " + started);
                return new Result(Status.FAILURE, started, "containers", null, Map.of());
            }
            inContainer = job.container() != null && !job.container().isNull();
            context.containersStarted(
                    JobContainers.context(job.container(), job.services(), context.scope(context.env())));
        }
        List<ActionSteps.Phase> pres = pres(job);
        // before step 0, below the set-up's -1: -P-1 … -2, in the order of their steps
        int preIndex = -pres.size() - 1;
        for (ActionSteps.Phase pre : pres) {
            StepOutcome outcome = phase(pre, preIndex);
            if (outcome == null) {
                return null;
            }
            failure.record(outcome, preIndex++);
        }
        for (JobDispatched.Step step : job.stepsOrEmpty()) {
            StepOutcome outcome = step(step);
            if (outcome == null) {
                return null;
            }
            if (outcome.engineFailed() && !context.cancelling()) {
                agent.send("exit 1");
                return new Result(Status.ERROR, outcome.exitCode(), "engine", step.index(), Map.of());
            }
            failure.record(outcome, step.index());
        }
        int next = job.stepsOrEmpty().stream()
                        .mapToInt(JobDispatched.Step::index)
                        .max()
                        .orElse(-1)
                + 1;
        for (int i = posts.size() - 1; i >= 0; i--, next++) {
            StepOutcome outcome = phase(posts.get(i), next);
            if (outcome == null) {
                return null;
            }
            failure.record(outcome, next);
        }
        Map<String, String> outputs = outputs(job);
        int exitCode = failure.cause == null ? 0 : failure.exitCode;
        agent.send("exit " + (context.cancelling() ? 143 : exitCode));
        return new Result(
                failure.cause == null ? Status.SUCCESS : Status.FAILURE,
                exitCode,
                failure.cause,
                failure.step,
                outputs);
    }

    /** The pre phases of the job's actions, in step order; a step whose pre cannot be had is left to fail as itself. */
    private List<ActionSteps.Phase> pres(JobDispatched.Job job) {
        List<ActionSteps.Phase> pres = new ArrayList<>();
        for (JobDispatched.Step step : job.stepsOrEmpty()) {
            Map<String, String> visible = new LinkedHashMap<>(context.env());
            try {
                Scope scope = context.scope(visible);
                for (Map.Entry<String, String> variable : step.envOrEmpty().entrySet()) {
                    visible.put(variable.getKey(), Template.render(variable.getValue(), scope));
                }
                ActionSteps.Phase pre = actions.pre(step, Template.render(step.name(), scope), context.scope(visible));
                if (pre != null) {
                    pres.add(pre);
                }
            } catch (ExpressionException | ActionUnavailableException | ActionMetadata.InvalidMetadataException e) {
                // the step itself reports it when it runs
            }
        }
        return pres;
    }

    /**
     * Starts the job's services and container through the agent (their lines are the set-up's), as
     * GitHub's "Initialize containers"; the script's exit code, or null when the runner went away.
     */
    private Integer containers(JobDispatched.Job job) {
        String script;
        try {
            script = JobContainers.script(job.container(), job.services(), context.scope(context.env()));
        } catch (ExpressionException e) {
            log.system("forge: the job's containers could not be evaluated: " + e.getMessage());
            return 1;
        }
        StepFiles.Rendered rendered = StepFiles.step("init", Map.of(), List.of(), "sh", null, script);
        try {
            engine.copyIn(runner, rendered.files());
        } catch (RunnerException e) {
            log.system("forge: the containers' script could not be written into the runner: " + e.getMessage());
            return null;
        }
        CompletableFuture<Integer> ended = tracker.expectInit();
        agent.send("init");
        return await(ended);
    }

    /** A run step's files: its script, run in the runner or, in a container job, in the job container. */
    private StepFiles.Rendered script(
            String key, Map<String, String> env, String shell, String workingDirectory, String run) {
        return inContainer
                ? StepFiles.inContainer(
                        key, env, context.paths(), shell, workingDirectory, run, JobContainers.CONTAINER)
                : StepFiles.step(key, env, context.paths(), shell, workingDirectory, run);
    }

    /**
     * An action's program: on the runner, or, for a JavaScript action of a container job, in the
     * job container under the runner's Node.js mounted there ({@link JobContainers#NODE}), as GitHub
     * runs it under its own.
     */
    private StepFiles.Rendered program(
            String key, Map<String, String> env, String workingDirectory, List<String> command) {
        if (inContainer && ActionSteps.javaScript(command)) {
            List<String> inside = new ArrayList<>(JobContainers.NODE);
            inside.addAll(command.subList(1, command.size()));
            return StepFiles.programInContainer(
                    key, env, context.paths(), workingDirectory, inside, JobContainers.CONTAINER);
        }
        return StepFiles.program(key, env, context.paths(), workingDirectory, command);
    }

    /** How one step ended, as far as the job is concerned. */
    private record StepOutcome(boolean failsJob, boolean timeout, Integer exitCode, boolean engineFailed) {
        static final StepOutcome FINE = new StepOutcome(false, false, 0, false);

        StepOutcome withEngine(boolean failed) {
            return failed ? new StepOutcome(failsJob, timeout, exitCode, true) : this;
        }
    }

    private StepOutcome step(JobDispatched.Step step) {
        int index = step.index();
        Map<String, String> visible = new LinkedHashMap<>(context.env());
        Scope scope = context.scope(visible);
        String condition = Condition.fromWord(step.condition());
        String name = step.name();
        boolean continueOnError = false;
        StepFiles.Rendered rendered = null;
        ActionSteps.Composite composite = null;
        Map<String, String> compositeEnv = null;
        int timeoutSeconds;
        try {
            if (context.cancelling() && !Condition.runsAfterCancel(condition)
                    || !Values.truthy(Evaluator.evaluate(condition, scope))) {
                tracker.report(index, Status.SKIPPED, null, null);
                if (step.id() != null) {
                    context.stepEnded(step.id(), Map.of(), Status.SKIPPED, Status.SKIPPED);
                }
                return StepOutcome.FINE;
            }
            name = Template.render(step.name(), scope);
            continueOnError = step.continueOnError() != null && Values.truthy(value(step.continueOnError(), scope));
            Map<String, String> stepEnv = new LinkedHashMap<>();
            for (Map.Entry<String, String> variable : step.envOrEmpty().entrySet()) {
                stepEnv.put(variable.getKey(), Template.render(variable.getValue(), scope));
            }
            Map<String, String> all = new LinkedHashMap<>(visible);
            all.putAll(stepEnv);
            Scope runScope = context.scope(all);
            String workingDirectory = Template.render(step.workingDirectory(), runScope);
            timeoutSeconds = timeout(step.timeoutMinutes(), runScope);
            Map<String, String> env = defaults(step.id(), String.valueOf(index), step.uses());
            env.putAll(injectedSecrets);
            env.putAll(all);
            if (step.uses() == null) {
                rendered = script(
                        String.valueOf(index),
                        env,
                        step.shell(),
                        workingDirectory,
                        Template.render(step.run(), runScope));
            } else {
                ActionSteps.Invocation invocation = actions.invocation(step, name, runScope);
                String sha = actions.sha(step.uses());
                if (sha != null) {
                    tracker.action(index, new JobEvent.Action(step.uses(), sha));
                }
                composite = invocation.composite();
                if (composite != null) {
                    compositeEnv = stepEnv;
                } else {
                    env.putAll(invocation.env());
                    rendered = program(String.valueOf(index), env, workingDirectory, invocation.program(env));
                    if (invocation.post() != null) {
                        posts.add(invocation.post());
                    }
                }
            }
        } catch (ExpressionException | ActionUnavailableException | ActionMetadata.InvalidMetadataException e) {
            tracker.failedBeforeRunning(index, name);
            log.system("forge: " + tracker.describe(index)
                    + (e instanceof ExpressionException ? " could not be evaluated: " : ": ") + e.getMessage());
            tracker.report(index, Status.FAILURE, null, null);
            return ended(step, continueOnError, Status.FAILURE, Map.of(), false, null);
        }
        if (composite != null) {
            CompositeResult result =
                    composite(index, String.valueOf(index), name, composite, compositeEnv, timeoutSeconds, 1);
            if (result == null) {
                return null;
            }
            tracker.report(index, result.outcome(), result.exitCode(), null);
            return ended(step, continueOnError, result.outcome(), result.outputs(), result.timeout(), result.exitCode())
                    .withEngine(result.engineFailed());
        }
        Executed executed = execute(index, String.valueOf(index), name, rendered, timeoutSeconds, true);
        if (executed == null) {
            return null;
        }
        return ended(
                        step,
                        continueOnError,
                        executed.outcome(),
                        executed.outputs(),
                        executed.end().timeout(),
                        executed.end().exitCode())
                .withEngine(executed.end().engineFailed());
    }

    /** How a composite action's steps ended, for the step that uses it. */
    private record CompositeResult(
            Status outcome, Map<String, String> outputs, Integer exitCode, boolean timeout, boolean engineFailed) {}

    /**
     * A composite action's steps, one after another as parts of the job's step {@code index} (their
     * files under {@code key.N}), with the action's own {@code inputs} and {@code steps} contexts;
     * a failed step fails the action unless it continues on error, and later steps then run only if
     * their {@code if} says so. The action's outputs are its {@code outputs.*.value}, evaluated last.
     * Null when the runner went away.
     */
    private CompositeResult composite(
            int index,
            String key,
            String name,
            ActionSteps.Composite composite,
            Map<String, String> outerEnv,
            int timeoutSeconds,
            int depth) {
        if (depth > ActionSteps.MAX_COMPOSITE_DEPTH) {
            log.system("forge: " + composite.display() + " nests composite actions deeper than "
                    + ActionSteps.MAX_COMPOSITE_DEPTH);
            return new CompositeResult(Status.FAILURE, Map.of(), 1, false, false);
        }
        ObjectNode steps = JsonNodeFactory.instance.objectNode();
        ObjectNode inputs = JsonNodeFactory.instance.objectNode();
        composite.inputs().forEach(inputs::put);
        ObjectNode github = context.github().deepCopy().put("action_path", composite.directory());
        boolean[] failed = {false};
        Map<String, JsonNode> overrides = Map.of("inputs", inputs, "steps", steps, "github", github);
        Integer exitCode = 0;
        boolean timeout = false;
        boolean engineFailed = false;
        int position = 0;
        for (JobDispatched.Step sub : composite.steps()) {
            String subKey = key + "." + ++position;
            Map<String, String> visible = new LinkedHashMap<>(context.env());
            visible.putAll(outerEnv);
            Scope scope = context.scope(visible, overrides, () -> failed[0]);
            Status outcome;
            Map<String, String> outputs = Map.of();
            boolean continueOnError = false;
            try {
                String condition = Condition.fromWord(sub.condition());
                if (context.cancelling() && !Condition.runsAfterCancel(condition)
                        || !Values.truthy(Evaluator.evaluate(condition, scope))) {
                    if (sub.id() != null) {
                        steps.set(sub.id(), StepContext.stepNode(Map.of(), Status.SKIPPED, Status.SKIPPED));
                    }
                    continue;
                }
                continueOnError = sub.continueOnError() != null && Values.truthy(value(sub.continueOnError(), scope));
                for (Map.Entry<String, String> variable : sub.envOrEmpty().entrySet()) {
                    visible.put(variable.getKey(), Template.render(variable.getValue(), scope));
                }
                Scope runScope = context.scope(visible, overrides, () -> failed[0]);
                Map<String, String> env = defaults(sub.id(), subKey, sub.uses());
                env.putAll(injectedSecrets);
                env.putAll(visible);
                env.putAll(composite.env());
                String workingDirectory = Template.render(sub.workingDirectory(), runScope);
                ActionSteps.Invocation invocation = sub.uses() == null ? null : actions.invocation(sub, name, runScope);
                if (invocation != null && invocation.composite() != null) {
                    CompositeResult nested =
                            composite(index, subKey, name, invocation.composite(), visible, timeoutSeconds, depth + 1);
                    if (nested == null) {
                        return null;
                    }
                    outcome = nested.outcome();
                    outputs = nested.outputs();
                    exitCode = outcome == Status.FAILURE ? nested.exitCode() : exitCode;
                } else {
                    StepFiles.Rendered rendered;
                    if (invocation == null) {
                        rendered = script(
                                subKey, env, sub.shell(), workingDirectory, Template.render(sub.run(), runScope));
                    } else {
                        env.putAll(invocation.env());
                        rendered = program(subKey, env, workingDirectory, invocation.program(env));
                    }
                    Executed executed = execute(index, subKey, name, rendered, timeoutSeconds, false);
                    if (executed == null) {
                        return null;
                    }
                    if (invocation != null && invocation.post() != null) {
                        posts.add(invocation.post());
                    }
                    outcome = executed.outcome();
                    outputs = executed.outputs();
                    timeout |= executed.end().timeout();
                    engineFailed |= executed.end().engineFailed();
                    exitCode = outcome == Status.FAILURE ? executed.end().exitCode() : exitCode;
                }
            } catch (ExpressionException | ActionUnavailableException | ActionMetadata.InvalidMetadataException e) {
                log.system("forge: " + composite.display() + ", "
                        + (sub.name() == null ? "step " + position : "step \"" + sub.name() + "\"") + ": "
                        + e.getMessage());
                outcome = Status.FAILURE;
                exitCode = 1;
            }
            if (sub.id() != null) {
                steps.set(
                        sub.id(),
                        StepContext.stepNode(
                                outputs,
                                outcome,
                                outcome == Status.FAILURE && continueOnError ? Status.SUCCESS : outcome));
            }
            if (outcome == Status.FAILURE && !continueOnError) {
                failed[0] = true;
            }
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        Scope scope = context.scope(context.env(), overrides, () -> failed[0]);
        for (Map.Entry<String, String> output : composite.outputs().entrySet()) {
            try {
                outputs.put(output.getKey(), Template.render(output.getValue(), scope));
            } catch (ExpressionException e) {
                log.system("forge: output '" + output.getKey() + "' of " + composite.display()
                        + " could not be evaluated: " + e.getMessage());
            }
        }
        return new CompositeResult(
                failed[0] ? Status.FAILURE : Status.SUCCESS,
                outputs,
                failed[0] ? (exitCode == null || exitCode == 0 ? 1 : exitCode) : 0,
                timeout,
                engineFailed);
    }

    /**
     * An action's pre or post phase, as a step of its own at {@code index}: when its condition holds;
     * a post phase with what its main step saved ({@code STATE_*}).
     */
    private StepOutcome phase(ActionSteps.Phase post, int index) {
        JobDispatched.Step step = new JobDispatched.Step(
                index, null, post.name(), null, null, null, null, null, null, null, null, post.condition());
        tracker.add(step);
        Map<String, String> visible = new LinkedHashMap<>(context.env());
        Scope scope = context.scope(visible);
        StepFiles.Rendered rendered;
        try {
            if (context.cancelling() && !Condition.runsAfterCancel(Condition.fromWord(post.condition()))
                    || !Values.truthy(Evaluator.evaluate(Condition.fromWord(post.condition()), scope))) {
                tracker.report(index, Status.SKIPPED, null, null);
                return StepOutcome.FINE;
            }
        } catch (ExpressionException e) {
            tracker.failedBeforeRunning(index, post.name());
            log.system("forge: " + tracker.describe(index) + " could not be evaluated: " + e.getMessage());
            tracker.report(index, Status.FAILURE, null, null);
            return ended(step, false, Status.FAILURE, Map.of(), false, null);
        }
        Map<String, String> env = defaults(null, String.valueOf(index), null);
        env.putAll(injectedSecrets);
        env.putAll(visible);
        env.putAll(post.env());
        states.getOrDefault(post.mainIndex(), Map.of()).forEach((name, value) -> env.put("STATE_" + name, value));
        rendered = program(String.valueOf(index), env, null, post.program(env));
        Executed executed = execute(index, String.valueOf(index), post.name(), rendered, 0, true);
        if (executed == null) {
            return null;
        }
        return ended(
                step,
                false,
                executed.outcome(),
                Map.of(),
                executed.end().timeout(),
                executed.end().exitCode());
    }

    /** How the agent ran a step and what its runtime files and workflow commands made of it. */
    private record Executed(Status outcome, Map<String, String> outputs, StepTracker.StepEnd end) {}

    /**
     * Writes the step's files (under {@code key}), has the agent run them as step {@code index},
     * reads back the runtime files and, when {@code report}, reports the step; null when the runner is gone.
     */
    private Executed execute(
            int index, String key, String name, StepFiles.Rendered rendered, int timeoutSeconds, boolean report) {
        rendered.warnings().forEach(warning -> log.system("forge: " + warning));
        try {
            engine.copyIn(runner, rendered.files());
        } catch (RunnerException e) {
            log.system("forge: the files of " + tracker.describe(index) + " could not be written into the runner: "
                    + e.getMessage());
            return null;
        }
        CompletableFuture<StepTracker.StepEnd> ended = tracker.expect(index, name);
        agent.send("run " + index + " " + timeoutSeconds + (key.equals(String.valueOf(index)) ? "" : " " + key));
        StepTracker.StepEnd end = await(ended);
        if (end == null) {
            return null;
        }
        Map<String, String> outputs = new LinkedHashMap<>(tracker.commandOutputs(index));
        Map<String, String> state = new LinkedHashMap<>(tracker.commandState(index));
        String failure = tracker.commandFailure(index);
        String summary = null;
        if (!end.files().equals("-")) {
            try {
                Map<String, byte[]> files = engine.copyOut(runner, StepFiles.IO + key, MAX_RUNTIME_BYTES);
                outputs.putAll(RuntimeFiles.values("output", text(files, "output")));
                state.putAll(RuntimeFiles.values("state", text(files, "state")));
                Map<String, String> env = RuntimeFiles.values("env", text(files, "env"));
                for (String refused : PROTECTED_ENV) {
                    if (env.remove(refused) != null) {
                        failure = failure != null
                                ? failure
                                : "Can't store " + refused + " output parameter using '$GITHUB_ENV' command.";
                    }
                }
                context.env().putAll(env);
                context.addPaths(RuntimeFiles.paths(text(files, "path")));
                String written = text(files, "summary");
                summary = written.isEmpty()
                        ? null
                        : written.length() > MAX_SUMMARY_CHARS ? written.substring(0, MAX_SUMMARY_CHARS) : written;
            } catch (RuntimeFiles.FormatException | RunnerException e) {
                failure = failure != null ? failure : e.getMessage();
            }
        }
        if (!state.isEmpty()) {
            states.put(index, state);
        }
        Status outcome = end.status();
        if (failure != null && outcome == Status.SUCCESS) {
            log.system("forge: " + tracker.describe(index) + " fails: " + failure);
            outcome = Status.FAILURE;
        }
        if (report) {
            tracker.report(index, outcome, end.exitCode(), summary == null ? null : maskedSummary(summary));
        }
        return new Executed(outcome, outputs, end);
    }

    private StepOutcome ended(
            JobDispatched.Step step,
            boolean continueOnError,
            Status outcome,
            Map<String, String> outputs,
            boolean timeout,
            Integer exitCode) {
        boolean failed = outcome == Status.FAILURE;
        Status conclusion = failed && continueOnError ? Status.SUCCESS : outcome;
        if (step.id() != null) {
            context.stepEnded(step.id(), outputs, outcome, conclusion);
        }
        if (failed && !continueOnError) {
            context.failed();
            return new StepOutcome(true, timeout, exitCode, false);
        }
        return StepOutcome.FINE;
    }

    /** The job's outputs, evaluated once every step has ended; one that would reveal a secret is left out, as on GitHub. */
    private Map<String, String> outputs(JobDispatched.Job job) {
        Map<String, String> outputs = new LinkedHashMap<>();
        Scope scope = context.scope(context.env());
        int bytes = 0;
        for (Map.Entry<String, String> output : job.outputsOrEmpty().entrySet()) {
            try {
                String value = Template.render(output.getValue(), scope);
                if (masker.reveals(value)) {
                    log.system("forge: Skip output '" + output.getKey() + "' since it may contain secret.");
                    continue;
                }
                bytes += output.getKey().length() + value.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_OUTPUT_BYTES) {
                    log.system("forge: the job's outputs are larger than " + MAX_OUTPUT_BYTES / 1024 + " KiB; output '"
                            + output.getKey() + "' and the ones after it are left out");
                    break;
                }
                outputs.put(output.getKey(), value);
            } catch (ExpressionException e) {
                log.system("forge: output '" + output.getKey() + "' could not be evaluated: " + e.getMessage());
            }
        }
        return outputs;
    }

    /** GitHub's default variables of a step, from the contexts; {@code uses} names the action the step runs, if any. */
    private Map<String, String> defaults(String id, String key, String uses) {
        JsonNode github = context.github();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CI", "true");
        env.put("GITHUB_ACTIONS", "true");
        for (String name : List.of(
                "sha",
                "ref",
                "ref_name",
                "ref_type",
                "ref_protected",
                "head_ref",
                "base_ref",
                "event_name",
                "event_path",
                "repository",
                "repository_id",
                "repository_owner",
                "run_id",
                "run_number",
                "run_attempt",
                "actor",
                "triggering_actor",
                "workflow",
                "workflow_ref",
                "workflow_sha",
                "job",
                "server_url",
                "api_url",
                "graphql_url",
                "retention_days",
                "workspace")) {
            env.put("GITHUB_" + name.toUpperCase(java.util.Locale.ROOT), Values.toText(github.get(name)));
        }
        env.put(
                "GITHUB_ACTION",
                id != null
                        ? id
                        : uses != null
                                ? "__" + uses.replaceFirst("@.*", "").replaceAll("[^A-Za-z0-9]+", "_")
                                : "__run_" + key);
        String io = StepFiles.IO + key + "/";
        env.put("GITHUB_OUTPUT", io + "output");
        env.put("GITHUB_ENV", io + "env");
        env.put("GITHUB_PATH", io + "path");
        env.put("GITHUB_STEP_SUMMARY", io + "summary");
        env.put("GITHUB_STATE", io + "state");
        env.put("RUNNER_OS", "Linux");
        env.put("RUNNER_ARCH", "X64");
        env.put(
                "RUNNER_NAME",
                context.scope(Map.of()).context("runner").path("name").asText());
        env.put("RUNNER_TEMP", StepContext.TEMP);
        env.put("RUNNER_TOOL_CACHE", StepContext.TOOL_CACHE);
        env.put("RUNNER_ENVIRONMENT", "self-hosted");
        return env;
    }

    private static JsonNode value(JsonNode value, Scope scope) {
        return value.isTextual() ? Template.value(value.textValue(), scope) : value;
    }

    private static int timeout(JsonNode minutes, Scope scope) {
        if (minutes == null || minutes.isNull()) {
            return 0;
        }
        double value = Values.toNumber(value(minutes, scope));
        if (Double.isNaN(value) || value <= 0) {
            throw new ExpressionException(
                    "`timeout-minutes` must be a positive number of minutes, not "
                            + Values.toText(value(minutes, scope)),
                    -1);
        }
        return (int) Math.ceil(value * 60);
    }

    private String maskedSummary(String summary) {
        byte[] bytes = summary.getBytes(StandardCharsets.UTF_8);
        byte[] masked = masker.mask(bytes, 0, bytes.length);
        return masked == null ? summary : new String(masked, StandardCharsets.UTF_8);
    }

    private static String text(Map<String, byte[]> files, String name) {
        byte[] content = files.get(name);
        return content == null ? "" : new String(content, StandardCharsets.UTF_8);
    }

    /** {@code hashFiles()}: asked of the agent, which is idle whenever expressions are evaluated. */
    private String hashFiles(List<String> patterns) {
        String id = String.valueOf(hashes.incrementAndGet());
        CompletableFuture<String> answer = tracker.hash(id);
        agent.send("hash " + id + " "
                + Base64.getEncoder().encodeToString(String.join("\n", patterns).getBytes(StandardCharsets.UTF_8)));
        String value;
        try {
            CompletableFuture.anyOf(answer, outputEnded).get(HASH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            value = answer.getNow(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExpressionException("hashFiles() was interrupted", -1);
        } catch (ExecutionException | TimeoutException e) {
            value = null;
        }
        if (value == null) {
            throw new ExpressionException("hashFiles() got no answer from the runner", -1);
        }
        if (value.startsWith("!")) {
            throw new ExpressionException("hashFiles() failed: " + value.substring(1), -1);
        }
        return value;
    }

    /** The future's value, or null when the runner's output ended first (it is gone). */
    private <T> T await(CompletionStage<T> stage) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        try {
            CompletableFuture.anyOf(future, outputEnded).get();
        } catch (ExecutionException ended) {
            // the output ended with an error: the runner is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return future.getNow(null);
    }
}
