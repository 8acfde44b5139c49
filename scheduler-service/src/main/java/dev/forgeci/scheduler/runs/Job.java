package dev.forgeci.scheduler.runs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.language.expr.Condition;
import dev.forgeci.language.expr.Template;
import dev.forgeci.scheduler.events.JobEvent.StepReport;

/**
 * One job of a run and its current attempt. A matrix's jobs share a {@code group} (the workflow's
 * job id, which {@code needs} names); a template job (its matrix or other job-level fields read
 * {@code needs}) stands for its group until the scheduler instantiates it.
 */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
public final class Job {

    private String jobId;
    private String group;
    private String name;
    private int index;
    private List<String> needs = List.of();
    /** The expression that decides whether the job runs (Forge's first documents hold a word: success, always, …). */
    @JsonProperty("if")
    private String condition = "success()";

    private boolean continueOnError;
    private boolean failFast = true;
    private int maxParallel;
    private boolean template;
    /** Of a job of a called workflow: the calling job, its needs and its condition. */
    private String caller;

    private List<String> callerNeeds = List.of();
    private String callerCondition;
    /** The calling job itself, which the scheduler ends when the called jobs have. */
    private boolean collects;
    /** What the job's outputs evaluated to, as the controller reported them. */
    private Map<String, String> outputs = Map.of();
    /** The normalized job of an instance the scheduler made from a template (it is in no stored request). */
    private JsonNode instanceSpec;

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

    Job() {}

    static Job of(JobSpec spec, JsonNode raw, int index, double defaultTimeoutMinutes) {
        Job job = new Job();
        job.jobId = spec.id();
        job.group = spec.groupOrId();
        job.name =
                spec.name() != null ? spec.name() : plainName(spec.deferred()).orElse(spec.id());
        job.index = index;
        job.needs = List.copyOf(spec.needsOrEmpty());
        job.condition = Condition.fromWord(spec.condition());
        job.continueOnError = Boolean.TRUE.equals(spec.continueOnError());
        job.template = spec.isTemplate();
        if (spec.call() != null) {
            job.caller = spec.call().job();
            job.callerNeeds = spec.call().needs() == null
                    ? List.of()
                    : List.copyOf(spec.call().needs());
            job.callerCondition = Condition.fromWord(spec.call().condition());
        }
        job.collects = Boolean.TRUE.equals(spec.collect());
        if (spec.strategy() != null) {
            job.failFast = !Boolean.FALSE.equals(spec.strategy().failFast());
            job.maxParallel =
                    spec.strategy().maxParallel() == null ? 0 : spec.strategy().maxParallel();
        }
        job.timeoutMinutes = spec.timeoutMinutes() != null && spec.timeoutMinutes() > 0
                ? spec.timeoutMinutes()
                : defaultTimeoutMinutes;
        job.spec = raw;
        int position = 0;
        for (JobSpec.StepSpec step : spec.stepsOrEmpty()) {
            job.steps.add(new Step(step.index() != null ? step.index() : position, step.name()));
            position++;
        }
        return job;
    }

    /** A template's name, when it needs no evaluating: what a template skipped before it was instantiated is shown as. */
    private static Optional<String> plainName(JsonNode deferred) {
        JsonNode name = deferred == null ? null : deferred.get("name");
        return name != null && name.isTextual() && !Template.hasExpressions(name.textValue())
                ? Optional.of(name.textValue())
                : Optional.empty();
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

    /** A job made from a template: its spec is kept with the run, since no request holds it. */
    static Job instance(JobSpec spec, JsonNode raw, int index, double defaultTimeoutMinutes) {
        Job job = of(spec, raw, index, defaultTimeoutMinutes);
        job.instanceSpec = raw;
        return job;
    }

    void outputs(Map<String, String> reported) {
        outputs = reported == null ? Map.of() : new LinkedHashMap<>(reported);
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

    /** The condition as an expression; a word of Forge's first format reads as the function it names. */
    public String condition() {
        return Condition.fromWord(condition);
    }

    public String group() {
        return group != null ? group : jobId;
    }

    public boolean failFast() {
        return failFast;
    }

    /** How many jobs of the group may be in flight at once; 0: no limit. */
    public int maxParallel() {
        return maxParallel;
    }

    public boolean template() {
        return template;
    }

    /** The job that calls this job's workflow, or null. */
    public String caller() {
        return caller;
    }

    public List<String> callerNeeds() {
        return callerNeeds;
    }

    public String callerCondition() {
        return callerCondition;
    }

    public boolean collects() {
        return collects;
    }

    /**
     * What {@code needs} calls a needed job in this job's expressions: a called workflow's jobs
     * know each other by the ids written in their file, a caller knows its called jobs alike.
     */
    String localName(String need) {
        String namespace = collects ? group() : caller;
        return namespace != null && need.startsWith(namespace + ".") ? need.substring(namespace.length() + 1) : need;
    }

    /** A clean-up job (always(), cancelled()) still runs in a cancelled run; a called job only when its caller would too. */
    boolean runsAfterCancel() {
        return Condition.runsAfterCancel(condition())
                && (callerCondition == null || Condition.runsAfterCancel(callerCondition));
    }

    public Map<String, String> outputs() {
        return outputs;
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
        // A stored run reads a null instanceSpec back as Jackson's NullNode, not as null.
        return instanceSpec != null && !instanceSpec.isNull() ? instanceSpec : spec;
    }

    public Instant lastSeen() {
        return lastSeen;
    }
}
