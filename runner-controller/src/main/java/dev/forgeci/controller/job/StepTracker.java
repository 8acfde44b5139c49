package dev.forgeci.controller.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.Status;
import dev.forgeci.controller.log.JobLog;
import dev.forgeci.controller.log.WorkflowCommands;
import dev.forgeci.controller.runner.RunnerOutput.Stream;
import io.quarkus.logging.Log;

/**
 * Follows the agent's markers: which step each stream's lines belong to, when the set-up and each
 * step end, and the answers to {@code hash} requests. The agent writes every marker to stdout and to
 * stderr; a stream's lines belong to the step whose start marker that stream saw last, and a step
 * has ended once both streams have passed its end marker, so its last lines on either stream are in
 * the log first. What the step's workflow commands set (outputs, a failure) is kept per step. The
 * step events are reported as the {@link StepDriver} decides each step's outcome.
 */
final class StepTracker {

    /** What the agent reported at a step's end. */
    record StepEnd(Status status, int exitCode, boolean timeout, String files, boolean engineFailed) {}

    private static final class StepState {
        final JobDispatched.Step step;
        String name;
        Instant startedAt;
        Instant finishedAt;
        StepEnd end;
        int endMarkers;
        boolean reported;
        final Map<String, String> commandOutputs = new LinkedHashMap<>();
        final Map<String, String> state = new LinkedHashMap<>();
        String commandFailure;
        JobEvent.Action action;
        CompletableFuture<StepEnd> ended = new CompletableFuture<>();

        StepState(JobDispatched.Step step) {
            this.step = step;
            this.name = step.name();
        }
    }

    private final JobKey job;
    private final JobEvents events;
    private final JobLog log;
    private final Map<Integer, StepState> steps = new LinkedHashMap<>();
    private final Integer[] current = new Integer[Stream.values().length];
    private final CompletableFuture<Integer> setup = new CompletableFuture<>();
    private final Map<String, CompletableFuture<String>> hashes = new HashMap<>();
    private int setupMarkers;
    private CompletableFuture<Integer> init = new CompletableFuture<>();
    private int initMarkers;

    StepTracker(JobKey job, JobDispatched.Job spec, JobEvents events, JobLog log) {
        this.job = job;
        this.events = events;
        this.log = log;
        spec.stepsOrEmpty().forEach(step -> steps.put(step.index(), new StepState(step)));
    }

    /** The step the stream's next line belongs to; null during set-up. */
    synchronized Integer current(Stream stream) {
        return current[stream.ordinal()];
    }

    /** Completes with the checkout's exit code once both streams passed the set-up's end. */
    CompletableFuture<Integer> setup() {
        return setup;
    }

    /**
     * The step is about to run, under this (evaluated) name; completes when both streams passed its
     * end marker. A step that uses a composite action runs once per step of the action: each run
     * starts with no end and no workflow-command effects of the run before.
     */
    synchronized CompletableFuture<StepEnd> expect(int index, String name) {
        StepState state = state(index);
        state.name = name;
        state.end = null;
        state.endMarkers = 0;
        state.commandOutputs.clear();
        state.state.clear();
        state.commandFailure = null;
        state.ended = new CompletableFuture<>();
        return state.ended;
    }

    /** The job's containers are about to be started; completes with the init script's exit code once both streams passed its end. */
    synchronized CompletableFuture<Integer> expectInit() {
        init = new CompletableFuture<>();
        initMarkers = 0;
        return init;
    }

    synchronized CompletableFuture<String> hash(String id) {
        return hashes.computeIfAbsent(id, key -> new CompletableFuture<>());
    }

    synchronized void marker(Stream stream, String command) {
        String[] words = command.split(" ");
        try {
            switch (words[0]) {
                case "setup-end" -> {
                    if (++setupMarkers == Stream.values().length) {
                        setup.complete(Integer.parseInt(words[1]));
                    }
                }
                case "init-end" -> {
                    if (++initMarkers == Stream.values().length) {
                        log.flush();
                        init.complete(Integer.parseInt(words[1]));
                    }
                }
                case "step-start" -> started(stream, Integer.parseInt(words[1]));
                case "step-end" ->
                    ended(Integer.parseInt(words[1]), Arrays.asList(words).subList(2, words.length));
                case "hash" ->
                    hash(words[1])
                            .complete(command.substring(("hash " + words[1]).length())
                                    .strip());
                default -> Log.warnf("Run %s: job %s: unknown agent marker '%s'", job.runId(), job, command);
            }
        } catch (RuntimeException e) {
            Log.warnf("Run %s: job %s: malformed agent marker '%s'", job.runId(), job, command);
        }
    }

    /** What a line of the stream's current step does as a workflow command; the lines to show for it. */
    synchronized List<String> command(Stream stream, String line, WorkflowCommands commands, Effects masking) {
        Integer index = current[stream.ordinal()];
        StepState state = index == null ? null : steps.get(index);
        if (state == null) {
            return List.of(line);
        }
        return commands.handle(line, new WorkflowCommands.Effects() {
            @Override
            public void mask(String value) {
                masking.mask(value);
            }

            @Override
            public void output(String name, String value) {
                state.commandOutputs.put(name, value);
            }

            @Override
            public void state(String name, String value) {
                state.state.put(name, value);
            }

            @Override
            public void fail(String message) {
                if (state.commandFailure == null) {
                    state.commandFailure = message;
                }
            }
        });
    }

    /** Where {@code ::add-mask::} values go. */
    interface Effects {
        void mask(String value);
    }

    /** What the step's {@code ::set-output} commands set. */
    synchronized Map<String, String> commandOutputs(int index) {
        return Map.copyOf(state(index).commandOutputs);
    }

    /** What the step's {@code ::save-state} commands saved for its post phase. */
    synchronized Map<String, String> commandState(int index) {
        return Map.copyOf(state(index).state);
    }

    /** The step uses this action, at this commit: its events say so. */
    synchronized void action(int index, JobEvent.Action action) {
        state(index).action = action;
    }

    /** A step the plan did not list (an action's post phase) is about to be run at this index. */
    synchronized void add(JobDispatched.Step step) {
        steps.putIfAbsent(step.index(), new StepState(step));
    }

    /** Why a workflow command of the step failed it, or null. */
    synchronized String commandFailure(int index) {
        return state(index).commandFailure;
    }

    /** The step is decided: reports its end, with its outcome, once. */
    synchronized void report(int index, Status outcome, Integer exitCode, String summary) {
        StepState state = state(index);
        if (state.reported) {
            return;
        }
        state.reported = true;
        if (state.startedAt != null && state.finishedAt == null) {
            state.finishedAt = Instant.now();
        }
        Long duration = state.startedAt == null || state.finishedAt == null
                ? null
                : Duration.between(state.startedAt, state.finishedAt).toMillis();
        events.step(
                JobEvent.Type.STEP_FINISHED,
                new JobEvent.StepReport(
                        index,
                        state.name,
                        outcome,
                        exitCode,
                        state.startedAt,
                        state.finishedAt,
                        duration,
                        summary,
                        state.action));
    }

    /** A step that ends without the agent running it (its templates could not be evaluated): started, then failed. */
    synchronized void failedBeforeRunning(int index, String name) {
        StepState state = state(index);
        state.name = name;
        state.startedAt = Instant.now();
        events.step(
                JobEvent.Type.STEP_STARTED,
                new JobEvent.StepReport(
                        index, name, Status.RUNNING, null, state.startedAt, null, null, null, state.action));
    }

    /** The runner is gone: every step not reported yet is, as the job's end left it. */
    synchronized void finish(Status jobStatus) {
        for (Map.Entry<Integer, StepState> entry : steps.entrySet()) {
            StepState state = entry.getValue();
            if (state.reported) {
                continue;
            }
            Status outcome = state.startedAt == null
                    ? Status.SKIPPED
                    : jobStatus == Status.CANCELLED ? Status.CANCELLED : Status.FAILURE;
            report(entry.getKey(), outcome, state.end == null ? null : state.end.exitCode(), null);
        }
    }

    private void started(Stream stream, int index) {
        StepState state = state(index);
        current[stream.ordinal()] = index;
        if (state.startedAt == null) {
            state.startedAt = Instant.now();
            Log.debugf("Run %s: job %s: step %d started", job.runId(), job, index);
            events.step(
                    JobEvent.Type.STEP_STARTED,
                    new JobEvent.StepReport(
                            index, state.name, Status.RUNNING, null, state.startedAt, null, null, null, state.action));
        }
    }

    private void ended(int index, List<String> words) {
        StepState state = state(index);
        if (state.end == null) {
            state.finishedAt = Instant.now();
            String files = "-";
            boolean timeout = false;
            boolean engineFailed = false;
            for (String word : words.subList(2, words.size())) {
                if (word.equals("timeout")) {
                    timeout = true;
                } else if (word.equals("engine-failed")) {
                    engineFailed = true;
                } else if (word.startsWith("files=")) {
                    files = word.substring("files=".length());
                }
            }
            // the agent says success, failure or cancelled; any other word is no success
            Status status = switch (words.get(0)) {
                case "success" -> Status.SUCCESS;
                case "cancelled" -> Status.CANCELLED;
                default -> Status.FAILURE;
            };
            state.end = new StepEnd(status, Integer.parseInt(words.get(1)), timeout, files, engineFailed);
        }
        if (++state.endMarkers == Stream.values().length) {
            log.flush();
            state.ended.complete(state.end);
        }
    }

    private StepState state(int index) {
        StepState state = steps.get(index);
        if (state == null) {
            throw new IllegalArgumentException("no step " + index);
        }
        return state;
    }

    /** The step as a person reads it in a reason, e.g. {@code step "Build"}. */
    synchronized String describe(Integer index) {
        StepState state = index == null ? null : steps.get(index);
        if (state == null) {
            return "step " + index;
        }
        // by name when it has one: indexes are the workflow's (from 0) and read as off by one to people
        return state.name == null ? "step " + index : "step \"" + state.name + "\"";
    }
}
