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
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.log.JobLog;
import dev.forgeci.controller.log.SecretMasker;
import dev.forgeci.controller.runner.Attachment;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.StepFiles;
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
    record Result(String status, Integer exitCode, String cause, Integer step, Map<String, String> outputs) {
    }

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

    StepDriver(JobDispatched dispatch, RunnerEngine engine, Runner runner, Attachment agent, StepTracker tracker, JobLog log,
            SecretMasker masker, Map<String, String> injectedSecrets, ObjectNode secrets, String runnerName, BooleanSupplier cancelling) {
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
    }

    /** Runs the steps; null when the runner went away before the agent could report (the caller decides from its exit). */
    Result run() {
        Integer checkout = await(tracker.setup());
        if (checkout == null) {
            return null;
        }
        String cause = null;
        Integer failedStep = null;
        int exitCode = 0;
        if (checkout != 0) {
            context.failed();
            cause = "checkout";
            exitCode = checkout;
        }
        JobDispatched.Job job = dispatch.job();
        try {
            for (Map.Entry<String, String> variable : job.envOrEmpty().entrySet()) {
                context.env().put(variable.getKey(), Template.render(variable.getValue(), context.scope(Map.of())));
            }
        } catch (ExpressionException e) {
            log.system("forge: the job's env could not be evaluated: " + e.getMessage());
            context.failed();
            cause = cause == null ? "env" : cause;
            exitCode = exitCode == 0 ? 1 : exitCode;
        }
        for (JobDispatched.Step step : job.stepsOrEmpty()) {
            StepOutcome outcome = step(step);
            if (outcome == null) {
                return null;
            }
            if (outcome.engineFailed() && !context.cancelling()) {
                agent.send("exit 1");
                return new Result("error", outcome.exitCode(), "engine", step.index(), Map.of());
            }
            if (outcome.failsJob() && cause == null) {
                cause = outcome.timeout() ? "timeout" : "step";
                failedStep = step.index();
                exitCode = outcome.exitCode() == null || outcome.exitCode() == 0 ? 1 : outcome.exitCode();
            }
        }
        Map<String, String> outputs = outputs(job);
        agent.send("exit " + (context.cancelling() ? 143 : exitCode));
        return new Result(cause == null ? "success" : "failure", cause == null ? 0 : exitCode, cause, failedStep, outputs);
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
        StepFiles.Rendered rendered;
        int timeoutSeconds;
        try {
            if (context.cancelling() && !Condition.runsAfterCancel(condition) || !Values.truthy(Evaluator.evaluate(condition, scope))) {
                tracker.report(index, "skipped", null, null);
                if (step.id() != null) {
                    context.stepEnded(step.id(), Map.of(), "skipped", "skipped");
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
            String run = step.uses() != null ? builtIn(step.uses()) : Template.render(step.run(), runScope);
            String workingDirectory = Template.render(step.workingDirectory(), runScope);
            timeoutSeconds = timeout(step.timeoutMinutes(), runScope);
            Map<String, String> env = defaults(step);
            env.putAll(injectedSecrets);
            env.putAll(all);
            rendered = StepFiles.step(index, env, context.paths(), step.uses() != null ? "sh" : step.shell(), workingDirectory, run);
        } catch (ExpressionException e) {
            tracker.failedBeforeRunning(index, name);
            log.system("forge: " + tracker.describe(index) + " could not be evaluated: " + e.getMessage());
            tracker.report(index, "failure", null, null);
            return ended(step, continueOnError, "failure", Map.of(), false, null);
        }
        rendered.warnings().forEach(warning -> log.system("forge: " + warning));
        try {
            engine.copyIn(runner, rendered.files());
        } catch (RunnerException e) {
            log.system("forge: the files of " + tracker.describe(index) + " could not be written into the runner: " + e.getMessage());
            return null;
        }
        CompletableFuture<StepTracker.StepEnd> ended = tracker.expect(index, name);
        agent.send("run " + index + " " + timeoutSeconds);
        StepTracker.StepEnd end = await(ended);
        if (end == null) {
            return null;
        }
        Map<String, String> outputs = new LinkedHashMap<>(tracker.commandOutputs(index));
        String failure = tracker.commandFailure(index);
        String summary = null;
        if (!end.files().equals("-")) {
            try {
                Map<String, byte[]> files = engine.copyOut(runner, StepFiles.IO + index, MAX_RUNTIME_BYTES);
                outputs.putAll(RuntimeFiles.values("output", text(files, "output")));
                Map<String, String> env = RuntimeFiles.values("env", text(files, "env"));
                for (String refused : PROTECTED_ENV) {
                    if (env.remove(refused) != null) {
                        failure = failure != null ? failure : "Can't store " + refused + " output parameter using '$GITHUB_ENV' command.";
                    }
                }
                context.env().putAll(env);
                context.addPaths(RuntimeFiles.paths(text(files, "path")));
                String written = text(files, "summary");
                summary = written.isEmpty() ? null : written.length() > MAX_SUMMARY_CHARS ? written.substring(0, MAX_SUMMARY_CHARS) : written;
            } catch (RuntimeFiles.FormatException | RunnerException e) {
                failure = failure != null ? failure : e.getMessage();
            }
        }
        String outcome = end.status();
        if (failure != null && outcome.equals("success")) {
            log.system("forge: " + tracker.describe(index) + " fails: " + failure);
            outcome = "failure";
        }
        tracker.report(index, outcome, end.exitCode(), summary == null ? null : maskedSummary(summary));
        return ended(step, continueOnError, outcome, outputs, end.timeout(), end.exitCode()).withEngine(end.engineFailed());
    }

    private StepOutcome ended(JobDispatched.Step step, boolean continueOnError, String outcome, Map<String, String> outputs,
            boolean timeout, Integer exitCode) {
        boolean failed = outcome.equals("failure");
        String conclusion = failed && continueOnError ? "success" : outcome;
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

    /** GitHub's default variables of a step, from the contexts. */
    private Map<String, String> defaults(JobDispatched.Step step) {
        JsonNode github = context.github();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CI", "true");
        env.put("GITHUB_ACTIONS", "true");
        for (String name : List.of("sha", "ref", "ref_name", "ref_type", "ref_protected", "head_ref", "base_ref", "event_name", "event_path",
                "repository", "repository_id", "repository_owner", "run_id", "run_number", "run_attempt", "actor", "triggering_actor",
                "workflow", "workflow_ref", "workflow_sha", "job", "server_url", "api_url", "graphql_url", "retention_days", "workspace")) {
            env.put("GITHUB_" + name.toUpperCase(java.util.Locale.ROOT), Values.toText(github.get(name)));
        }
        env.put("GITHUB_ACTION", step.id() != null ? step.id() : "__run_" + step.index());
        String io = StepFiles.IO + step.index() + "/";
        env.put("GITHUB_OUTPUT", io + "output");
        env.put("GITHUB_ENV", io + "env");
        env.put("GITHUB_PATH", io + "path");
        env.put("GITHUB_STEP_SUMMARY", io + "summary");
        env.put("GITHUB_STATE", io + "state");
        env.put("RUNNER_OS", "Linux");
        env.put("RUNNER_ARCH", "X64");
        env.put("RUNNER_NAME", context.scope(Map.of()).context("runner").path("name").asText());
        env.put("RUNNER_TEMP", StepContext.TEMP);
        env.put("RUNNER_TOOL_CACHE", StepContext.TOOL_CACHE);
        env.put("RUNNER_ENVIRONMENT", "self-hosted");
        return env;
    }

    /** The script of a built-in action: actions/checkout's work was done before the first step. */
    private static String builtIn(String uses) {
        return "printf 'forge: %s is checked out in %s (" + uses.replace("'", "") + " is built in)\\n' \"$GITHUB_SHA\" \"$GITHUB_WORKSPACE\"\n";
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
            throw new ExpressionException("`timeout-minutes` must be a positive number of minutes, not " + Values.toText(value(minutes, scope)), -1);
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
        agent.send("hash " + id + " " + Base64.getEncoder().encodeToString(String.join("\n", patterns).getBytes(StandardCharsets.UTF_8)));
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
