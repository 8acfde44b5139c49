package dev.forgeci.scheduler.runs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.scheduler.events.JobEvent.StepReport;

/** One job of a run and its current attempt. */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
public final class Job {

    private String jobId;
    private String name;
    private int index;
    private List<String> needs = List.of();
    @JsonProperty("if")
    private JobCondition condition = JobCondition.SUCCESS;
    private boolean continueOnError;
    private double timeoutMinutes;
    private JobState state = JobState.WAITING;
    private int attempt;
    private Instant dispatchedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private Instant cancelRequestedAt;
    private String controllerId;
    private Integer exitCode;
    private String reason;
    private Long logChunks;
    /** The last event seq applied for the current attempt: redeliveries carry one at or below it. */
    private long lastSeq;
    private List<Step> steps = new ArrayList<>();

    /** The normalized job as requested, sent with every dispatch; restored from the stored request. */
    @JsonIgnore
    private JsonNode spec;
    /** When a heartbeat or an event last mentioned the current attempt; memory only. */
    @JsonIgnore
    private Instant lastSeen;

    Job() {
    }

    static Job of(JobSpec spec, JsonNode raw, int index, double defaultTimeoutMinutes) {
        Job job = new Job();
        job.jobId = spec.id();
        job.name = spec.name() != null ? spec.name() : spec.id();
        job.index = index;
        job.needs = List.copyOf(spec.needsOrEmpty());
        job.condition = JobCondition.parse(spec.condition()).orElse(JobCondition.SUCCESS);
        job.continueOnError = Boolean.TRUE.equals(spec.continueOnError());
        job.timeoutMinutes = spec.timeoutMinutes() != null && spec.timeoutMinutes() > 0 ? spec.timeoutMinutes() : defaultTimeoutMinutes;
        job.spec = raw;
        int position = 0;
        for (JobSpec.StepSpec step : spec.stepsOrEmpty()) {
            job.steps.add(new Step(step.index() != null ? step.index() : position, step.name()));
            position++;
        }
        return job;
    }

    void ready() {
        state = JobState.READY;
    }

    void dispatch(Instant at) {
        state = JobState.DISPATCHED;
        attempt++;
        dispatchedAt = at;
        startedAt = null;
        controllerId = null;
        cancelRequestedAt = null;
        lastSeq = 0;
        lastSeen = null;
        steps.replaceAll(step -> new Step(step.index(), step.name()));
    }

    /** A dispatch read back from job-dispatched while rebuilding. */
    void replayDispatch(int replayedAttempt, Instant at) {
        dispatch(at);
        attempt = replayedAttempt;
    }

    void start(Instant at) {
        state = JobState.RUNNING;
        startedAt = at;
    }

    /** An event of the current attempt was applied. */
    void heard(Long seq, String controller, Instant now) {
        if (seq != null) {
            lastSeq = seq;
        }
        if (controllerId == null) {
            controllerId = controller;
        }
        lastSeen = now;
    }

    void seen(Instant now) {
        lastSeen = now;
    }

    void cancelRequested(Instant at) {
        cancelRequestedAt = at;
    }

    void end(JobState outcome, String why, Integer exit, Long chunks, Instant at) {
        state = outcome;
        reason = why;
        exitCode = exit;
        logChunks = chunks;
        finishedAt = at;
        steps.forEach(step -> step.jobEnded(outcome, at));
    }

    void stepStarted(StepReport report, Instant at) {
        if (report != null && report.index() != null) {
            step(report.index(), report.name()).started(report, at);
        }
    }

    void stepFinished(StepReport report, Instant at) {
        if (report != null && report.index() != null) {
            step(report.index(), report.name()).finished(report, at);
        }
    }

    private Step step(int stepIndex, String stepName) {
        for (Step step : steps) {
            if (step.index() == stepIndex) {
                return step;
            }
        }
        Step step = new Step(stepIndex, stepName);
        steps.add(step);
        steps.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return step;
    }

    void restoreSpec(JsonNode raw) {
        spec = raw;
    }

    /** Ended in a way that counts as success for the run and for the jobs that need it. */
    boolean succeeded() {
        return state == JobState.SUCCESS || continueOnError && (state == JobState.FAILURE || state == JobState.ERROR);
    }

    /** Ended in a way `failure()` reacts to. */
    boolean failed() {
        return !continueOnError && (state == JobState.FAILURE || state == JobState.ERROR);
    }

    public String jobId() {
        return jobId;
    }

    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    public List<String> needs() {
        return needs;
    }

    public JobCondition condition() {
        return condition;
    }

    public boolean continueOnError() {
        return continueOnError;
    }

    public double timeoutMinutes() {
        return timeoutMinutes;
    }

    public JobState state() {
        return state;
    }

    public int attempt() {
        return attempt;
    }

    public Instant dispatchedAt() {
        return dispatchedAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public Instant cancelRequestedAt() {
        return cancelRequestedAt;
    }

    public String controllerId() {
        return controllerId;
    }

    public Integer exitCode() {
        return exitCode;
    }

    public String reason() {
        return reason;
    }

    public Long logChunks() {
        return logChunks;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public List<Step> steps() {
        return steps;
    }

    public JsonNode spec() {
        return spec;
    }

    public Instant lastSeen() {
        return lastSeen;
    }
}
