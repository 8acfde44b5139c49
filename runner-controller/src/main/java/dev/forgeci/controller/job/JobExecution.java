package dev.forgeci.controller.job;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.actions.ActionSource;
import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.LogChunk;
import dev.forgeci.controller.events.Status;
import dev.forgeci.controller.log.JobLog;
import dev.forgeci.controller.log.LineSplitter;
import dev.forgeci.controller.log.SecretMasker;
import dev.forgeci.controller.log.WorkflowCommands;
import dev.forgeci.controller.runner.Attachment;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.RunnerExit;
import dev.forgeci.controller.runner.RunnerLabels;
import dev.forgeci.controller.runner.RunnerOutput.Stream;
import dev.forgeci.controller.runner.RunnerSpec;
import dev.forgeci.controller.runner.StepFiles;
import dev.forgeci.controller.secrets.SecretStore;
import dev.forgeci.language.expr.References;
import dev.forgeci.language.expr.Template;
import io.quarkus.logging.Log;

/**
 * One job attempt from dispatch to its removed runner: create the runner, attach, start, drive its
 * steps ({@link StepDriver}), turn its output into log lines (workflow commands handled, secrets
 * masked) and step events, enforce the job's timeout and cancels, decide the job's status from the
 * steps and the container's exit, publish every log chunk and only then job-finished, and remove the
 * container and its volume.
 */
public final class JobExecution {

    /** How long the broker gets to acknowledge the last chunks and job-finished. */
    private static final Duration PUBLISH_TIMEOUT = Duration.ofMinutes(2);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why the runner is being stopped; the first request wins. */
    private record Stop(Status status, String reason, String notice) {}

    /** How the job ended. */
    private record Outcome(Status status, Integer exitCode, String reason, String detail) {}

    private final JobDispatched dispatch;
    private final JobKey key;
    private final JobSettings settings;
    private final RunnerEngine engine;
    private final SecretStore secrets;
    private final ActionSource actions;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final JobEvents events;
    private final JobLog log;
    private final StepTracker steps;
    private final String nonce = HexFormat.of().formatHex(randomBytes());

    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private Runner runner;
    /** The runner, once the job ended, if removing it failed. */
    private volatile Runner leftBehind;

    private boolean started;
    private Stop stop;
    private ScheduledFuture<?> timeout;
    private LineSplitter stdout;
    private LineSplitter stderr;
    private SecretMasker masker;
    private Map<String, String> injectedSecrets = Map.of();
    private ObjectNode secretsContext = JsonNodeFactory.instance.objectNode();
    private StepDriver.Result result;

    JobExecution(
            JobDispatched dispatch,
            JobSettings settings,
            RunnerEngine engine,
            Publisher publisher,
            SecretStore secrets,
            ActionSource actions,
            Executor executor,
            ScheduledExecutorService timer) {
        this.dispatch = dispatch;
        this.key = dispatch.key();
        this.settings = settings;
        this.engine = engine;
        this.secrets = secrets;
        this.actions = actions;
        this.executor = executor;
        this.timer = timer;
        this.events = new JobEvents(key, settings.controllerId(), publisher, 0);
        this.log = new JobLog(key, publisher, settings.log(), timer);
        this.steps = new StepTracker(key, dispatch.job() == null ? emptyJob() : dispatch.job(), events, log);
    }

    public JobKey key() {
        return key;
    }

    /** After {@link #run()}: the runner whose removal failed, to be removed later; empty when it is gone. */
    public Optional<Runner> leftBehind() {
        return Optional.ofNullable(leftBehind);
    }

    /** Completes when the job has ended and its runner is removed. */
    public CompletionStage<Void> ended() {
        return ended;
    }

    /** Runs the job to its end on the calling thread; returns once its runner is removed. */
    public void run() {
        try {
            execute();
        } catch (RuntimeException e) {
            Log.errorf(e, "Run %s: job %s failed in the controller", key.runId(), key);
            log.system("forge: the controller failed while running this job: " + e.getMessage());
            finish(new Outcome(Status.ERROR, null, "controller error", e.getMessage()));
        } finally {
            if (timeout != null) {
                timeout.cancel(false);
            }
            removeRunner();
            ended.complete(null);
        }
    }

    /** A cancel request: the job ends {@code cancelled}, its log kept. */
    public void cancel(String reason) {
        requestStop(new Stop(Status.CANCELLED, reason, "cancel requested (" + reason + "); stopping the runner"));
    }

    /** The controller stops: the job ends {@code error}. */
    public void abort(String reason) {
        requestStop(new Stop(Status.ERROR, reason, reason + "; stopping the runner"));
    }

    private void execute() {
        List<String> problems = DispatchCheck.problems(dispatch);
        if (!problems.isEmpty()) {
            problems.forEach(problem -> log.system("forge: cannot run this job: " + problem));
            finish(new Outcome(Status.ERROR, null, "invalid dispatch", String.join("; ", problems)));
            return;
        }
        Stop early = stopRequested();
        if (early != null) {
            log.system("forge: " + early.reason() + " before the job started; it does not run");
            finish(new Outcome(early.status(), null, early.reason(), null));
            return;
        }
        events.jobStarted();
        log.system("forge: job " + key.jobId() + " (attempt " + key.attempt() + ") of run " + key.runId()
                + " on controller "
                + settings.controllerId() + ": image " + settings.image() + ", isolation "
                + settings.isolation().label() + ", "
                + settings.cpus() + " CPU, " + (settings.memoryBytes() >> 20) + " MiB memory");
        RunnerSpec spec = prepare();
        long creating = System.nanoTime();
        try {
            runner = engine.create(spec);
        } catch (RunnerException e) {
            log.system("forge: the runner could not be created: " + e.getMessage());
            finish(new Outcome(Status.ERROR, null, "runner could not start", e.getMessage()));
            return;
        }
        long starting = System.nanoTime();
        Attachment attachment = startUnlessStopped();
        if (attachment == null) {
            return;
        }
        CompletionStage<Void> output = attachment.ended();
        Log.debugf(
                "Run %s: job %s: runner %s created in %d ms, started in %d ms",
                key.runId(),
                key,
                runner.containerId(),
                (starting - creating) / 1_000_000,
                (System.nanoTime() - starting) / 1_000_000);
        Duration limit = timeoutOf(dispatch.job());
        timeout = timer.schedule(
                () -> requestStop(new Stop(
                        Status.FAILURE,
                        "timeout",
                        "the job exceeded its timeout of " + limit.toMinutes() + " minutes; stopping the runner")),
                limit.toMillis(),
                TimeUnit.MILLISECONDS);
        result = new StepDriver(
                        dispatch,
                        engine,
                        runner,
                        attachment,
                        steps,
                        log,
                        masker,
                        injectedSecrets,
                        secretsContext,
                        runnerName(),
                        () -> stopRequested() != null,
                        actions)
                .run();
        awaitOutput(output);
        RunnerExit exit = engine.awaitExit(runner);
        stdout.finish();
        stderr.finish();
        Outcome outcome = outcome(exit);
        steps.finish(outcome.status());
        finish(outcome);
    }

    /**
     * Resolves the secrets the job names ({@code secrets:}) or reads ({@code secrets.X} in its
     * templates), writes the job's first files and sets up the log pipeline for both streams.
     */
    private RunnerSpec prepare() {
        JobDispatched.Job job = dispatch.job();
        Set<String> names = new LinkedHashSet<>(job.secretsOrEmpty());
        names.addAll(referencedSecrets(job));
        Map<String, String> stored = storedNames(job, names);
        SecretStore.Resolved resolved =
                secrets.resolve(dispatch.repositoryId(), List.copyOf(new LinkedHashSet<>(stored.values())));
        resolved.missing()
                .forEach(name ->
                        log.system("forge: secret " + name + " is not defined for this repository; it is empty"));
        if (!dispatch.trusted() && !resolved.values().isEmpty()) {
            log.system(
                    "forge: this run is not trusted (e.g. a patch from a non-delegate); secrets are not given to it: "
                            + String.join(", ", resolved.values().keySet()));
        }
        secretsContext.put("GITHUB_TOKEN", "");
        if (dispatch.trusted()) {
            Map<String, String> given = new LinkedHashMap<>();
            stored.forEach((name, source) -> {
                if (resolved.values().containsKey(source)) {
                    given.put(name, resolved.values().get(source));
                }
            });
            given.forEach(secretsContext::put);
            Map<String, String> injected = new LinkedHashMap<>();
            job.secretsOrEmpty().stream()
                    .filter(given::containsKey)
                    .forEach(name -> injected.put(name, given.get(name)));
            injectedSecrets = injected;
        }
        Map<String, RunnerSpec.RunnerFile> registryAuth = registryAuth();
        List<String> masked = new ArrayList<>(resolved.values().values());
        masked.addAll(RegistryAuth.secrets(registryAuth));
        // Masked whether or not they were given: a secret must never leave the controller.
        masker = SecretMasker.of(masked);
        // GitHub shows ::debug:: lines when the configuration variable ACTIONS_STEP_DEBUG is true.
        boolean debug = dispatch.context() != null
                && "true"
                        .equalsIgnoreCase(dispatch.context()
                                .path("vars")
                                .path("ACTIONS_STEP_DEBUG")
                                .asText());
        WorkflowCommands commands = new WorkflowCommands(debug);
        stdout = splitter(Stream.STDOUT, LogChunk.STDOUT, commands);
        stderr = splitter(Stream.STDERR, LogChunk.STDERR, commands);
        JsonNode event = dispatch.context() == null
                ? null
                : dispatch.context().path("github").get("event");
        Map<String, RunnerSpec.RunnerFile> files =
                new LinkedHashMap<>(StepFiles.initial(nonce, event == null ? "{}" : event.toString()));
        files.putAll(registryAuth);
        return new RunnerSpec(runnerName(), labels(), environment(), files);
    }

    /**
     * The store's name of each secret the job reads: its own, unless the job belongs to a called
     * workflow that was passed secrets by name; one it was not passed reads empty, as on GitHub.
     */
    private Map<String, String> storedNames(JobDispatched.Job job, Set<String> names) {
        Map<String, String> passed = job.call() == null ? null : job.call().secrets();
        Map<String, String> stored = new LinkedHashMap<>();
        for (String name : names) {
            String source = passed == null ? name : passed.get(name);
            if (source != null) {
                stored.put(name, source);
            } else {
                log.system("forge: secret " + name + " is not passed to the workflow job "
                        + job.call().job() + " calls; it is empty");
            }
        }
        return stored;
    }

    /** The operator's registry credentials, as the runner's ~/.docker/config.json: for trusted jobs only. */
    private Map<String, RunnerSpec.RunnerFile> registryAuth() {
        if (!dispatch.trusted() || settings.registryAuth() == null) {
            return Map.of();
        }
        try {
            return Map.of(
                    RegistryAuth.RUNNER_PATH,
                    new RunnerSpec.RunnerFile(Files.readAllBytes(settings.registryAuth()), 0600));
        } catch (IOException e) {
            log.system("forge: the registry credentials could not be read; images are pulled without them");
            Log.warnf(
                    "Run %s: job %s: %s could not be read: %s",
                    key.runId(), key, settings.registryAuth(), e.getMessage());
            return Map.of();
        }
    }

    /** The secrets the job's templates read by name ({@code secrets.NAME}); a computed name cannot be known and reads empty. */
    private static Set<String> referencedSecrets(JobDispatched.Job job) {
        List<String> texts = new ArrayList<>(job.envOrEmpty().values());
        texts.addAll(job.outputsOrEmpty().values());
        for (JobDispatched.Step step : job.stepsOrEmpty()) {
            texts.addAll(Arrays.asList(step.name(), step.run(), step.workingDirectory(), step.condition()));
            texts.addAll(step.envOrEmpty().values());
            if (step.with() != null) {
                texts.addAll(step.with().values());
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (String text : texts) {
            if (!Template.hasExpressions(text)) {
                continue;
            }
            try {
                for (Template.Expression expression : Template.parse(text).expressions()) {
                    References.of(expression.expr()).contexts().stream()
                            .filter(reference -> reference.context().equals("secrets")
                                    && !reference.path().isEmpty())
                            .forEach(reference -> names.add(reference.path().get(0)));
                }
            } catch (RuntimeException unreadable) {
                // the step reports it when it is about to run
            }
        }
        return names;
    }

    private LineSplitter splitter(Stream stream, String name, WorkflowCommands commands) {
        return new LineSplitter(
                "##forge[" + nonce + "] ", masker, settings.log().maxLineBytes(), new LineSplitter.Sink() {
                    @Override
                    public void line(String text, int bytes) {
                        Integer step = steps.current(stream);
                        if (step == null) {
                            log.append(null, name, text, bytes);
                            return;
                        }
                        for (String shown :
                                steps.command(stream, text, commands, value -> masker.add(List.of(value)))) {
                            log.append(
                                    step,
                                    name,
                                    shown,
                                    shown == text
                                            ? bytes
                                            : shown.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                        }
                    }

                    @Override
                    public void marker(String command) {
                        steps.marker(stream, command);
                    }
                });
    }

    /** Starts the runner unless a stop came first; returns the attachment, or null when it did not start. */
    private Attachment startUnlessStopped() {
        Stop before;
        synchronized (lifecycle) {
            before = stop;
            if (before == null) {
                try {
                    Attachment attachment = engine.start(
                            runner,
                            (stream, data, offset, length) ->
                                    (stream == Stream.STDOUT ? stdout : stderr).feed(data, offset, length));
                    started = true;
                    return attachment;
                } catch (RunnerException e) {
                    log.system("forge: the runner could not start: " + e.getMessage());
                    before = new Stop(Status.ERROR, "runner could not start", e.getMessage());
                }
            }
        }
        finish(new Outcome(before.status(), null, before.reason(), null));
        return null;
    }

    private void awaitOutput(CompletionStage<Void> output) {
        try {
            output.toCompletableFuture().get();
        } catch (ExecutionException e) {
            log.system(
                    "forge: reading the runner's output failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the runner ran", e);
        }
    }

    private void requestStop(Stop request) {
        synchronized (lifecycle) {
            if (stop != null) {
                return;
            }
            stop = request;
            if (!started) {
                return;
            }
        }
        Log.infof("Run %s: job %s: %s", key.runId(), key, request.notice());
        log.system("forge: " + request.notice());
        executor.execute(() -> {
            try {
                engine.stop(runner, settings.stopGracePeriod());
            } catch (RuntimeException e) {
                Log.warnf(e, "Run %s: job %s: stopping the runner failed", key.runId(), key);
            }
        });
    }

    private Stop stopRequested() {
        synchronized (lifecycle) {
            return stop;
        }
    }

    /** The job's status: a stop we asked for wins, then what the steps came to, then how the container ended. */
    private Outcome outcome(RunnerExit exit) {
        Stop requested = stopRequested();
        Integer exitCode = result != null ? result.exitCode() : exit.exitCode();
        if (requested != null) {
            return new Outcome(requested.status(), exitCode, requested.reason(), null);
        }
        String memory = "the runner ran out of memory (limit " + (settings.memoryBytes() >> 20) + " MiB)";
        if (result == null) {
            return exit.oomKilled()
                    ? new Outcome(Status.FAILURE, exitCode, "out of memory", memory)
                    : new Outcome(
                            Status.ERROR,
                            exitCode,
                            "runner exited with code " + exit.exitCode() + " before reporting a result",
                            null);
        }
        return switch (result.status()) {
            case SUCCESS -> new Outcome(Status.SUCCESS, 0, null, null);
            case ERROR ->
                new Outcome(
                        Status.ERROR,
                        exitCode,
                        "docker engine did not start",
                        "the runner's inner Docker engine did not start");
            default ->
                exit.oomKilled()
                        ? new Outcome(
                                Status.FAILURE,
                                exitCode,
                                "out of memory",
                                memory + "; " + steps.describe(result.step()) + " was killed")
                        : failure(result);
        };
    }

    private Outcome failure(StepDriver.Result failed) {
        return switch (failed.cause()) {
            case "checkout" ->
                new Outcome(
                        Status.FAILURE,
                        failed.exitCode(),
                        "checkout failed",
                        "checking out " + dispatch.commit() + " failed");
            case "timeout" ->
                new Outcome(
                        Status.FAILURE,
                        failed.exitCode(),
                        "timeout",
                        steps.describe(failed.step()) + " exceeded its timeout");
            case "env" -> new Outcome(Status.FAILURE, failed.exitCode(), "the job's env could not be evaluated", null);
            case "action" -> new Outcome(Status.FAILURE, failed.exitCode(), "an action could not be set up", null);
            case "containers" ->
                new Outcome(Status.FAILURE, failed.exitCode(), "the job's containers did not start", null);
            default ->
                new Outcome(
                        Status.FAILURE,
                        failed.exitCode(),
                        steps.describe(failed.step()) + " failed with exit code " + failed.exitCode(),
                        null);
        };
    }

    /** Publishes the last lines, waits until every chunk is acknowledged, then job-finished. */
    private void finish(Outcome outcome) {
        log.system("forge: job finished: " + outcome.status()
                + (outcome.reason() == null ? "" : " (" + outcome.reason() + ")")
                + (outcome.detail() == null ? "" : ": " + outcome.detail()));
        try {
            log.close(PUBLISH_TIMEOUT);
        } catch (IllegalStateException e) {
            Log.errorf(e, "Run %s: job %s: its log is incomplete on the broker", key.runId(), key);
        }
        try {
            events.jobFinished(
                            outcome.status(),
                            outcome.exitCode(),
                            outcome.reason(),
                            log.chunks(),
                            log.lines(),
                            result == null ? Map.of() : result.outputs())
                    .toCompletableFuture()
                    .get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Log.errorf(e, "Run %s: job %s: job-finished was not published", key.runId(), key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Log.infof(
                "Run %s: job %s finished: %s%s (%d lines in %d chunks)",
                key.runId(),
                key,
                outcome.status(),
                outcome.reason() == null ? "" : " (" + outcome.reason() + ")",
                log.lines(),
                log.chunks());
    }

    private void removeRunner() {
        if (runner == null) {
            return;
        }
        try {
            engine.remove(runner);
        } catch (RuntimeException e) {
            leftBehind = runner;
            Log.warnf(
                    "Run %s: job %s: removing runner %s failed (%s); it is tried again until it is gone",
                    key.runId(), key, runner.containerId(), e.getMessage());
        }
    }

    private Duration timeoutOf(JobDispatched.Job job) {
        Double minutes = job.timeoutMinutes();
        return minutes == null || minutes <= 0
                ? settings.defaultTimeout()
                : Duration.ofMillis(Math.round(minutes * 60_000));
    }

    /** Container and volume name: readable in `docker ps`, unique per attempt. */
    private String runnerName() {
        return ("forge-" + key.runId() + "-" + key.jobId() + "-" + key.attempt()).replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    private Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(RunnerLabels.CONTROLLER_ID, settings.controllerId());
        labels.put(RunnerLabels.RUN_ID, key.runId());
        labels.put(RunnerLabels.JOB_ID, key.jobId());
        labels.put(RunnerLabels.ATTEMPT, String.valueOf(key.attempt()));
        return labels;
    }

    /** What the agent needs and steps may use; secrets never go here (they would show in `docker inspect`). */
    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CI", "true");
        env.put("FORGE_RUN_ID", key.runId());
        env.put("FORGE_JOB_ID", key.jobId());
        env.put("FORGE_ATTEMPT", String.valueOf(key.attempt()));
        env.put("FORGE_REPOSITORY", dispatch.repositoryId());
        env.put("FORGE_COMMIT", dispatch.commit());
        env.put("FORGE_REF", dispatch.ref());
        env.put("FORGE_CLONE_URL", dispatch.cloneUrl());
        env.put("FORGE_WORKFLOW", dispatch.workflow());
        env.put("FORGE_WORKSPACE", StepFiles.WORKSPACE);
        env.put(
                "FORGE_DOCKERD_TIMEOUT",
                String.valueOf(settings.dockerdTimeout().toSeconds()));
        env.put("FORGE_STEP_KILL_GRACE", String.valueOf(settings.stepKillGrace().toSeconds()));
        env.put("FORGE_REGISTRY", settings.registry());
        env.put(
                "FORGE_REGISTRY_MIRRORS",
                settings.registryMirrors().isEmpty() ? null : String.join(" ", settings.registryMirrors()));
        env.values().removeIf(value -> value == null);
        return env;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static JobDispatched.Job emptyJob() {
        return new JobDispatched.Job(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
