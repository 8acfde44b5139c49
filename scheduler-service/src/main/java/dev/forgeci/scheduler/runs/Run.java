package dev.forgeci.scheduler.runs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.scheduler.events.RunEvent;
import dev.forgeci.scheduler.events.RunRequested;
import dev.forgeci.scheduler.events.RunRequested.Repository;

/** A run and its jobs: the document the scheduler keeps in Redis for every run. */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
public final class Run {

    public static final String WAITING_REASON =
            "Waiting for approval by a delegate: the author is not a delegate of the repository.";

    private String runId;
    private Repository repository;
    private String commit;
    private String ref;
    private String cloneUrl;
    private String workflow;
    private String workflowFile;
    /** The workflow's {@code run-name}, as it evaluated; null when it has none. */
    private String runName;

    private ObjectNode trigger;
    private String rerunOf;
    private String concurrencyGroup;
    private boolean cancelInProgress;
    private RunStatus status = RunStatus.QUEUED;
    private String reason;
    private Instant requestedAt;
    private Instant queuedAt;
    private Instant startedAt;
    private Instant finishedAt;
    /** The seq of the last run event emitted. */
    private long seq;

    private boolean cancelRequested;
    private String cancelReason;
    /** Set when an untrusted run that waited was approved. */
    private RunEvent.Approval approval;

    private List<Job> jobs = new ArrayList<>();

    /** The contexts the run started with (github, inputs, vars, forge), from its stored request; never stored twice. */
    @JsonIgnore
    private ObjectNode context;
    /** Ordering among runs of the same priority; derived from configuration, never stored. */
    @JsonIgnore
    private int priority;
    /** The status the stored indexes know, so a change moves the run between them. */
    @JsonIgnore
    private RunStatus storedStatus;

    @JsonIgnore
    private Map<String, Job> jobsById;

    Run() {}

    static Run create(RunRequested request, Instant queuedAt, List<Job> jobs) {
        Run run = new Run();
        run.runId = request.runId();
        run.repository = request.repository();
        run.commit = request.commit();
        run.ref = request.ref();
        run.cloneUrl = request.cloneUrl();
        run.workflow = request.workflow().name();
        run.workflowFile = request.workflow().file();
        run.runName = request.workflow().runName();
        run.trigger = request.trigger();
        run.rerunOf = run.triggerText("rerunOf");
        RunRequested.Concurrency concurrency = request.workflow().concurrency();
        if (concurrency != null
                && concurrency.group() != null
                && !concurrency.group().isBlank()) {
            run.concurrencyGroup = concurrency.group();
            run.cancelInProgress = Boolean.TRUE.equals(concurrency.cancelInProgress());
        }
        run.requestedAt = request.requestedAt();
        run.queuedAt = queuedAt;
        run.jobs = new ArrayList<>(jobs);
        run.context = request.context();
        return run;
    }

    RunEvent nextEvent(Instant at) {
        seq++;
        List<RunEvent.JobOutcome> outcomes = null;
        if (status.terminal()) {
            outcomes = jobs.stream()
                    .map(job -> new RunEvent.JobOutcome(
                            job.jobId(), job.attempt(), job.state().status(), job.logChunks()))
                    .toList();
        }
        return new RunEvent(
                runId,
                seq,
                status,
                reason,
                at,
                repository,
                commit,
                ref,
                workflow,
                trigger,
                rerunOf,
                queuedAt,
                startedAt,
                finishedAt,
                outcomes,
                approval);
    }

    /** Whether its request asks it to wait for approval; only an untrusted run can. */
    boolean awaitsApproval() {
        return !trusted() && trigger != null && trigger.path("awaitsApproval").asBoolean(false);
    }

    void awaitApproval() {
        status = RunStatus.WAITING;
        reason = WAITING_REASON;
    }

    void approve(RunEvent.Approval by, Instant queued) {
        status = RunStatus.QUEUED;
        reason = null;
        approval = by;
        queuedAt = queued;
    }

    void start(Instant at) {
        status = RunStatus.RUNNING;
        startedAt = at;
    }

    void conclude(RunStatus outcome, String why, Instant at) {
        status = outcome;
        reason = why;
        finishedAt = at;
    }

    /** The run-events topic has events of this run up to this seq. */
    void replayedSeq(long published) {
        seq = Math.max(seq, published);
    }

    void requestCancel(String why) {
        cancelRequested = true;
        cancelReason = why;
    }

    Job job(String jobId) {
        if (jobsById == null) {
            jobsById = new HashMap<>();
            jobs.forEach(job -> jobsById.put(job.jobId(), job));
        }
        return jobsById.get(jobId);
    }

    /** The jobs of a group: the workflow's job, or every job of its matrix. */
    List<Job> group(String group) {
        return jobs.stream().filter(job -> job.group().equals(group)).toList();
    }

    boolean needsEnded(Job job) {
        return job.needs().stream()
                .allMatch(need ->
                        group(need).stream().allMatch(needed -> needed.state().terminal()));
    }

    boolean needsSucceeded(List<String> needs) {
        return needs.stream().allMatch(need -> group(need).stream().allMatch(Job::succeeded));
    }

    /** Whether any job of these, or any job they need, directly or not, failed. */
    boolean ancestorFailed(List<String> needs) {
        for (String need : needs) {
            for (Job ancestor : group(need)) {
                if (ancestor.failed() || ancestorFailed(ancestor.needs())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Replaces a template job by the jobs made from it, in its place. */
    void replace(Job template, List<Job> instances) {
        int at = jobs.indexOf(template);
        jobs.remove(at);
        jobs.addAll(at, instances);
        jobsById = null;
    }

    boolean allJobsEnded() {
        return jobs.stream().allMatch(job -> job.state().terminal());
    }

    boolean anyDispatched() {
        return jobs.stream().anyMatch(job -> job.attempt() > 0);
    }

    String triggerText(String field) {
        JsonNode value = trigger == null ? null : trigger.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    boolean trusted() {
        return trigger != null && trigger.path("trusted").asBoolean(false);
    }

    void prioritize(int value) {
        priority = value;
    }

    public void stored() {
        storedStatus = status;
    }

    public RunStatus storedStatus() {
        return storedStatus;
    }

    public String runId() {
        return runId;
    }

    public Repository repository() {
        return repository;
    }

    public String repositoryId() {
        return repository.id();
    }

    public String commit() {
        return commit;
    }

    public String ref() {
        return ref;
    }

    public String cloneUrl() {
        return cloneUrl;
    }

    public String workflow() {
        return workflow;
    }

    public String runName() {
        return runName;
    }

    public String workflowFile() {
        return workflowFile;
    }

    public ObjectNode trigger() {
        return trigger;
    }

    public String triggerKind() {
        return triggerText("kind");
    }

    public String rerunOf() {
        return rerunOf;
    }

    public String concurrencyGroup() {
        return concurrencyGroup;
    }

    public boolean cancelInProgress() {
        return cancelInProgress;
    }

    public RunStatus status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public Instant requestedAt() {
        return requestedAt;
    }

    public Instant queuedAt() {
        return queuedAt;
    }

    /**
     * First in, first out, and newest first in lists, go by when the run was requested: records of
     * different runs reach the scheduler through different partitions, in no fixed order.
     */
    public Instant requestOrder() {
        return requestedAt != null ? requestedAt : queuedAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public long seq() {
        return seq;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    public String cancelReason() {
        return cancelReason;
    }

    public RunEvent.Approval approval() {
        return approval;
    }

    public List<Job> jobs() {
        return jobs;
    }

    /** The contexts of the run's request; an empty object for requests from before contexts existed. */
    public ObjectNode context() {
        return context != null ? context : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }

    void restoreContext(JsonNode value) {
        context = value instanceof ObjectNode object ? object : null;
    }

    public int priority() {
        return priority;
    }
}
