package dev.forgeci.controller.job;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.log.JobLog;
import dev.forgeci.controller.runner.RunnerOutput.Stream;
import io.quarkus.logging.Log;

/**
 * Follows the agent's markers: which step each stream's lines belong to, and when a step starts and
 * ends. The agent writes every marker to stdout and to stderr; a stream's lines belong to the step
 * whose start marker that stream saw last, and a step is reported finished once both streams have
 * passed its end marker, so its last lines on either stream are in the log before the event.
 */
final class StepTracker {

    /** What the agent reported at the end: status, exit code and cause (e.g. {@code step 2}). */
    record AgentResult(String status, int exitCode, String cause, Integer step) {
    }

    private static final class StepState {
        final JobDispatched.Step step;
        Instant startedAt;
        Instant finishedAt;
        String outcome;
        Integer exitCode;
        int endMarkers;
        boolean reported;

        StepState(JobDispatched.Step step) {
            this.step = step;
        }
    }

    private final JobKey job;
    private final JobEvents events;
    private final JobLog log;
    private final Map<Integer, StepState> steps = new LinkedHashMap<>();
    private final Integer[] current = new Integer[Stream.values().length];
    private AgentResult result;

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

    synchronized AgentResult result() {
        return result;
    }

    synchronized void marker(Stream stream, String command) {
        String[] words = command.split(" ");
        try {
            switch (words[0]) {
                case "step-start" -> started(stream, Integer.parseInt(words[1]));
                case "step-skip" -> skipped(Integer.parseInt(words[1]));
                case "step-end" -> ended(Integer.parseInt(words[1]), words[2], Integer.parseInt(words[3]));
                case "job-end" -> result = new AgentResult(words[1], Integer.parseInt(words[2]), words.length > 3 ? words[3] : null,
                        words.length > 4 ? Integer.valueOf(words[4]) : null);
                default -> Log.warnf("Run %s: job %s: unknown agent marker '%s'", job.runId(), job, command);
            }
        } catch (RuntimeException e) {
            Log.warnf("Run %s: job %s: malformed agent marker '%s'", job.runId(), job, command);
        }
    }

    /** The runner is gone: every step not reported yet is, as the job's end left it. */
    synchronized void finish(String jobStatus) {
        Instant now = Instant.now();
        for (StepState state : steps.values()) {
            if (state.reported) {
                continue;
            }
            if (state.startedAt == null) {
                state.outcome = "skipped";
            } else if (state.outcome == null) {
                state.outcome = "cancelled".equals(jobStatus) ? "cancelled" : "failure";
                state.finishedAt = now;
            }
            report(state);
        }
    }

    private void started(Stream stream, int index) {
        StepState state = state(index);
        current[stream.ordinal()] = index;
        if (state.startedAt == null) {
            state.startedAt = Instant.now();
            Log.debugf("Run %s: job %s: step %d started", job.runId(), job, index);
            events.step(JobEvent.STEP_STARTED, new JobEvent.StepReport(index, state.step.name(), "running", null, state.startedAt,
                    null, null));
        }
    }

    private void skipped(int index) {
        StepState state = state(index);
        if (!state.reported) {
            state.outcome = "skipped";
            report(state);
        }
    }

    private void ended(int index, String outcome, int exitCode) {
        StepState state = state(index);
        if (state.finishedAt == null) {
            state.finishedAt = Instant.now();
            state.outcome = outcome;
            state.exitCode = exitCode;
        }
        if (++state.endMarkers == Stream.values().length && !state.reported) {
            log.flush();
            report(state);
        }
    }

    private void report(StepState state) {
        state.reported = true;
        Long duration = state.startedAt == null || state.finishedAt == null ? null
                : Duration.between(state.startedAt, state.finishedAt).toMillis();
        events.step(JobEvent.STEP_FINISHED, new JobEvent.StepReport(state.step.index(), state.step.name(), state.outcome,
                state.exitCode, state.startedAt, state.finishedAt, duration));
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
        return state.step.name() == null ? "step " + index : "step \"" + state.step.name() + "\"";
    }
}
