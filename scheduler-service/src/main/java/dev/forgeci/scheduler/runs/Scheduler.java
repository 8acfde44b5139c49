package dev.forgeci.scheduler.runs;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Evaluator;
import dev.forgeci.language.expr.ExpressionException;
import dev.forgeci.language.expr.Template;
import dev.forgeci.language.expr.Values;
import dev.forgeci.language.job.JobInstances;
import dev.forgeci.scheduler.config.SchedulerConfig;
import dev.forgeci.scheduler.events.ControllerHeartbeat;
import dev.forgeci.scheduler.events.JobCancelRequested;
import dev.forgeci.scheduler.events.JobDispatched;
import dev.forgeci.scheduler.events.JobEvent;
import dev.forgeci.scheduler.events.RunEvent;
import dev.forgeci.scheduler.events.RunRequested;
import dev.forgeci.scheduler.events.Topics;
import io.quarkus.logging.Log;

/**
 * The state machine of every active run: queue, limits, priorities, concurrency groups, the job
 * graph, cancel, re-run and the watchdogs. Not thread-safe: only the engine's thread calls it, and
 * every effect goes into a {@link Changes} that the store commits before anything is acknowledged.
 */
public final class Scheduler {

    private final SchedulerConfig config;
    private final RunHistory history;
    private final ObjectMapper json;
    private final Predicate<String> served;
    private final Map<String, Run> active = new HashMap<>();
    private final ConcurrencyGroups groups = new ConcurrencyGroups();
    private final ReadyQueue ready = new ReadyQueue();
    private Instant lastQueuedAt = Instant.EPOCH;
    /** Watchdogs count from here at the earliest, so a restart gives controllers time to be heard. */
    private Instant watchingSince = Instant.EPOCH;

    public Scheduler(SchedulerConfig config, RunHistory history, ObjectMapper json) {
        this.config = config;
        this.history = history;
        this.json = json;
        this.served = config.repositoryFilter()
                .map(Pattern::compile)
                .map(Pattern::asMatchPredicate)
                .orElse(id -> true);
    }

    /** Replaces the in-memory state with the active runs as stored, each with the request it came from. */
    public void restore(List<Run> runs, Map<String, JsonNode> requests, Instant now) {
        active.clear();
        groups.clear();
        ready.clear();
        watchingSince = now;
        runs.sort(ConcurrencyGroups.ARRIVAL);
        for (Run run : runs) {
            JsonNode request = requests.get(run.runId());
            if (request != null) {
                run.restoreContext(request.get("context"));
                for (JsonNode spec : request.path("workflow").path("jobs")) {
                    Job job = run.job(spec.path("id").asText());
                    if (job != null) {
                        job.restoreSpec(spec);
                    }
                }
            }
            run.prioritize(priorityOf(run.triggerKind()));
            run.stored();
            active.put(run.runId(), run);
            groups.join(run);
            if (run.queuedAt().isAfter(lastQueuedAt)) {
                lastQueuedAt = run.queuedAt();
            }
            run.jobs().stream().filter(job -> job.state().holdsSlot()).forEach(job -> ready.occupy(run.repositoryId()));
        }
        runs.stream().filter(groups::isHead).forEach(this::enqueueReady);
        Log.infof(
                "restored %d active runs: %d jobs in flight, %d ready", runs.size(), ready.inFlight(), ready.queued());
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs

    /** Creates a run that the store does not know yet (see {@code RunStore#isKnown}). */
    public void accept(RunRequested request, String raw, Changes changes) {
        if (!isNew(request, changes)) {
            return;
        }
        Run run = create(request, raw, changes);
        String runId = run.runId();
        publish(run, changes);
        if (run.status().terminal()) {
            Log.warnf("run %s: %s", runId, run.reason());
            return;
        }
        active.put(runId, run);
        if (run.status() == RunStatus.WAITING) {
            Log.infof(
                    "run %s: waiting for approval (%s of %s, %s, %d jobs)",
                    runId,
                    run.workflow(),
                    run.repositoryId(),
                    run.triggerKind(),
                    run.jobs().size());
            return;
        }
        Log.infof(
                "run %s: queued (%s of %s, %s, %d jobs)",
                runId,
                run.workflow(),
                run.repositoryId(),
                run.triggerKind(),
                run.jobs().size());
        enter(run, changes);
    }

    /**
     * An untrusted run that waited goes on as if it had just been queued; a rebuild replays an
     * approval the run-events topic recorded.
     */
    public void approve(String runId, RunEvent.Approval approval, Changes changes) {
        Run run = activeFor(runId, "approve");
        if (run.status() != RunStatus.WAITING) {
            throw new RunConflictException(
                    "Run " + runId + " is " + run.status().word() + "; only a waiting run can be approved.");
        }
        // Queued from now on: it takes its turn in its concurrency group after the runs already there.
        run.approve(approval, nextQueuedAt(approval.at()));
        publish(run, changes);
        Log.infof(
                "run %s: approved by %s%s",
                runId, approval.by(), approval.did() == null ? "" : " (" + approval.did() + ")");
        enter(run, changes);
    }

    /** Whether the run is active and waiting for approval (a rebuild approves only those: the others are not served here). */
    public boolean isWaiting(String runId) {
        Run run = active.get(runId);
        return run != null && run.status() == RunStatus.WAITING;
    }

    /** The run joins its concurrency group (superseding older runs if it says so) and its jobs are decided. */
    private void enter(Run run, Changes changes) {
        String runId = run.runId();
        if (run.cancelInProgress()) {
            groups.members(run)
                    .forEach(older -> cancel(
                            older,
                            JobCancelRequested.Reason.SUPERSEDED,
                            "Superseded by run " + runId + " in concurrency group " + run.concurrencyGroup() + ".",
                            changes));
        }
        groups.join(run);
        advance(run, changes);
    }

    /** Rebuilding: a run whose terminal event is on the run-events topic, created to be stored as it ended; null if known. */
    Run acceptEnded(RunRequested request, String raw, Changes changes) {
        return isNew(request, changes) ? create(request, raw, changes) : null;
    }

    private boolean isNew(RunRequested request, Changes changes) {
        String runId = request.runId();
        if (!served.test(request.repository().id())) {
            Log.debugf(
                    "run %s: repository %s is not served by this scheduler",
                    runId, request.repository().id());
            return false;
        }
        // The consumer has already asked the store about runs that ended; these are the ones in flight.
        if (active.containsKey(runId) || changes.isNew(runId)) {
            Log.infof("run %s: already known, redelivery ignored", runId);
            return false;
        }
        return true;
    }

    /** The run and its jobs, queued; or ended `error` when its workflow cannot run. */
    private Run create(RunRequested request, String raw, Changes changes) {
        List<Job> jobs = new ArrayList<>();
        String problem = null;
        try {
            List<JsonNode> rawJobs = request.workflow().jobs() == null
                    ? List.of()
                    : request.workflow().jobs();
            List<JobSpec> specs = new ArrayList<>();
            for (JsonNode rawJob : rawJobs) {
                specs.add(json.treeToValue(rawJob, JobSpec.class));
            }
            problem = JobGraph.problem(specs).orElse(null);
            for (int i = 0; problem == null && i < specs.size(); i++) {
                jobs.add(Job.of(specs.get(i), rawJobs.get(i), i, config.defaultJobTimeoutMinutes()));
            }
        } catch (JsonProcessingException e) {
            problem = "a job cannot be read: " + e.getOriginalMessage();
        } catch (IllegalArgumentException e) {
            problem = "a job cannot be read: " + e.getMessage();
        }
        Run run = Run.create(request, nextQueuedAt(changes.now()), jobs);
        run.prioritize(priorityOf(run.triggerKind()));
        changes.created(run, raw);
        if (run.awaitsApproval()) {
            run.awaitApproval();
        }
        if (problem != null) {
            run.conclude(RunStatus.ERROR, "The workflow cannot run: " + problem + ".", changes.now());
        }
        return run;
    }

    public void onJobEvent(JobEvent event, Changes changes) {
        Run run = active.get(event.runId());
        if (run == null) {
            Log.debugf("run %s: %s for a run that is not active, ignored", event.runId(), event.type());
            return;
        }
        Job job = run.job(event.jobId());
        if (job == null) {
            Log.warnf("run %s: %s for unknown job %s, ignored", run.runId(), event.type(), event.jobId());
            return;
        }
        if (event.attempt() != job.attempt() || !job.state().holdsSlot()) {
            Log.debugf(
                    "run %s: job %s: %s of attempt %d while attempt %d is %s, ignored",
                    run.runId(), job.jobId(), event.type(), event.attempt(), job.attempt(), job.state());
            return;
        }
        if (event.seq() != null && event.seq() <= job.lastSeq()) {
            Log.debugf(
                    "run %s: job %s: %s seq %d already applied", run.runId(), job.jobId(), event.type(), event.seq());
            return;
        }
        if (job.controllerId() != null
                && event.controllerId() != null
                && !job.controllerId().equals(event.controllerId())) {
            Log.warnf(
                    "run %s: job %s attempt %d runs on %s; %s from %s ignored",
                    run.runId(), job.jobId(), job.attempt(), job.controllerId(), event.type(), event.controllerId());
            return;
        }
        Instant at = event.at() != null ? event.at() : changes.now();
        job.heard(event.seq(), event.controllerId(), changes.now());
        changes.touch(run);
        switch (event.type()) {
            case JOB_STARTED -> start(run, job, at, changes);
            case STEP_STARTED -> {
                start(run, job, at, changes);
                job.stepStarted(event.step(), at);
            }
            case STEP_FINISHED -> {
                start(run, job, at, changes);
                job.stepFinished(event.step(), at);
            }
            case JOB_FINISHED -> {
                job.outputs(event.outputs());
                finish(
                        run,
                        job,
                        JobState.ofOutcome(event.status()),
                        event.reason(),
                        event.exitCode(),
                        event.logChunks() != null ? event.logChunks() : 0L,
                        at,
                        changes);
            }
            default -> Log.debugf("run %s: job %s: event type %s ignored", run.runId(), job.jobId(), event.type());
        }
    }

    /** Marks the attempts a controller says it runs as alive; nothing is stored. */
    public void onHeartbeat(ControllerHeartbeat heartbeat, Instant now) {
        if (heartbeat.at() != null && heartbeat.at().isBefore(now.minus(config.heartbeatTimeout()))) {
            return;
        }
        for (ControllerHeartbeat.RunningJob running : heartbeat.runningJobs()) {
            Run run = active.get(running.runId());
            Job job = run == null ? null : run.job(running.jobId());
            if (job != null
                    && running.attempt() != null
                    && running.attempt() == job.attempt()
                    && job.state().holdsSlot()) {
                job.seen(now);
            }
        }
    }

    public void cancelOnRequest(String runId, Changes changes) {
        cancel(activeFor(runId, "cancel"), JobCancelRequested.Reason.CANCELLED, "Cancelled on request.", changes);
    }

    /** The active run a request is about; 404 when unknown, 409 when it already ended. */
    private Run activeFor(String runId, String verb) {
        Run run = active.get(runId);
        if (run == null) {
            Run ended = history.find(runId).orElseThrow(() -> new RunNotFoundException(runId));
            throw new RunConflictException("Run " + runId + " already ended with status "
                    + ended.status().word() + "; there is nothing to " + verb + ".");
        }
        return run;
    }

    /** Publishes a new run-requested for the same commit and workflow; the new run is created when it comes back. */
    public String rerun(String runId, Changes changes) {
        Run run = active.get(runId);
        if (run != null) {
            throw new RunConflictException("Run " + runId + " is still "
                    + run.status().word() + "; cancel it or wait until it ends before running it again.");
        }
        String raw = history.request(runId).orElseThrow(() -> new RunNotFoundException(runId));
        try {
            ObjectNode request = (ObjectNode) json.readTree(raw);
            String newRunId = RunIds.next(changes.now());
            request.put("runId", newRunId);
            request.put("requestedAt", changes.now().toString());
            ObjectNode trigger =
                    request.has("trigger") && request.get("trigger").isObject()
                            ? (ObjectNode) request.get("trigger")
                            : request.putObject("trigger");
            trigger.put("kind", "rerun");
            trigger.put("rerunOf", runId);
            // A re-run answers no broker request of its own.
            trigger.putNull("requestId");
            // GitHub's re-run is the next attempt of the run; here it is a run of its own, so both change.
            if (request.path("context").path("github") instanceof ObjectNode github) {
                github.put("run_id", newRunId);
                github.put(
                        "run_attempt", String.valueOf(github.path("run_attempt").asInt(1) + 1));
            }
            if (request.path("context").path("forge") instanceof ObjectNode forge) {
                forge.put("run_id", newRunId);
            }
            changes.publish(Topics.RUN_REQUESTED, newRunId, json.writeValueAsString(request));
            Log.infof("run %s: re-run requested as run %s", runId, newRunId);
            return newRunId;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored request of run " + runId + " is not JSON", e);
        }
    }

    /** Dispatches ready jobs while slots are free. */
    public void dispatchReady(Changes changes) {
        ReadyQueue.Entry next;
        while ((next = ready.take(config.globalLimit(), config.repositoryLimit())) != null) {
            Run run = next.run();
            Job job = next.job();
            job.dispatch(changes.now());
            sendDispatch(run, job, changes);
            changes.touch(run);
            Log.infof("run %s: job %s attempt %d dispatched", run.runId(), job.jobId(), job.attempt());
        }
    }

    /**
     * A job dispatched and not started within the bound is dispatched once more, then ends `error`; a
     * started job that nothing mentions for the heartbeat timeout, or that outlives its own timeout
     * plus grace, ends `error`. So no run stays active forever, whatever the controllers do.
     */
    public void watch(Changes changes) {
        Instant now = changes.now();
        for (Run run : List.copyOf(active.values())) {
            for (Job job : run.jobs()) {
                if (!job.state().holdsSlot()) {
                    continue;
                }
                Instant began = latest(job.startedAt() != null ? job.startedAt() : job.dispatchedAt(), watchingSince);
                Instant heard = latest(began, job.lastSeen());
                Duration timeout = Duration.ofMillis((long) (job.timeoutMinutes() * 60_000))
                        .plus(config.jobTimeoutGrace());
                if (now.isAfter(began.plus(timeout))) {
                    stop(run, job, JobCancelRequested.Reason.CANCELLED, changes);
                    finish(
                            run,
                            job,
                            JobState.ERROR,
                            "Timed out: the runner did not report an end within the job's timeout of "
                                    + formatMinutes(job.timeoutMinutes()) + " minutes.",
                            null,
                            null,
                            now,
                            changes);
                } else if (job.state() == JobState.DISPATCHED && now.isAfter(heard.plus(config.dispatchTimeout()))) {
                    notStarted(run, job, changes);
                } else if (job.state() == JobState.RUNNING && now.isAfter(heard.plus(config.heartbeatTimeout()))) {
                    stop(run, job, JobCancelRequested.Reason.CANCELLED, changes);
                    finish(
                            run,
                            job,
                            JobState.ERROR,
                            "Runner lost: controller " + job.controllerId() + " stopped reporting the job.",
                            null,
                            null,
                            now,
                            changes);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // What a rebuild from the topics (RunReplay) changes beyond what accept() and onJobEvent() do

    /** The job holds a slot, with the attempt a job-dispatched on the topic gave it. */
    void holdSlot(Run run, Job job, int attempt, Instant dispatchedAt) {
        if (job.state() == JobState.READY) {
            ready.remove(run, job);
        }
        if (!job.state().holdsSlot()) {
            ready.occupy(run.repositoryId());
        }
        job.replayDispatch(attempt, dispatchedAt);
    }

    /** The job ended as the run's terminal event on the topic says, with no step detail. */
    void endAsRecorded(Run run, Job job, JobState state, long logChunks, Instant at) {
        if (job.state().holdsSlot()) {
            ready.release(run.repositoryId());
        }
        ready.remove(run, job);
        job.end(state, null, null, logChunks, at);
    }

    /** An ended run leaves the active set, if it is in it. */
    void retireEnded(Run run, Changes changes) {
        if (active.containsKey(run.runId())) {
            retire(run, changes);
        }
    }

    Collection<Run> active() {
        return active.values();
    }

    /** The active run with this id, or null; what the API reads through the engine. */
    Run activeRun(String runId) {
        return active.get(runId);
    }

    public int inFlight() {
        return ready.inFlight();
    }

    public int queued() {
        return ready.queued();
    }

    public int activeRuns() {
        return active.size();
    }

    // ---------------------------------------------------------------------------------------------
    // Transitions

    private void notStarted(Run run, Job job, Changes changes) {
        Instant now = changes.now();
        if (job.cancelRequestedAt() != null) {
            finish(run, job, JobState.CANCELLED, run.cancelReason(), null, 0L, now, changes);
        } else if (job.attempt() < 2) {
            Log.warnf(
                    "run %s: job %s attempt %d was not started within %s; dispatching it again",
                    run.runId(), job.jobId(), job.attempt(), config.dispatchTimeout());
            stop(run, job, JobCancelRequested.Reason.REDISPATCHED, changes);
            job.dispatch(now);
            sendDispatch(run, job, changes);
            changes.touch(run);
        } else {
            stop(run, job, JobCancelRequested.Reason.CANCELLED, changes);
            // Only the untrusted pool takes an untrusted run's jobs; where none runs (no sysbox yet), say so.
            String reason = run.trusted()
                    ? "Runner lost: no runner started the job, dispatched " + job.attempt() + " times."
                    : "Runner lost: no runner of the untrusted pool started the job, dispatched " + job.attempt()
                            + " times; is a runner-controller with forge.controller.pool=untrusted running?";
            finish(run, job, JobState.ERROR, reason, null, null, now, changes);
        }
    }

    private void start(Run run, Job job, Instant at, Changes changes) {
        if (job.state() != JobState.DISPATCHED) {
            return;
        }
        job.start(at);
        Log.infof(
                "run %s: job %s attempt %d started on %s", run.runId(), job.jobId(), job.attempt(), job.controllerId());
        if (run.status() == RunStatus.QUEUED) {
            run.start(at);
            publish(run, changes);
        }
    }

    private void finish(
            Run run,
            Job job,
            JobState outcome,
            String reason,
            Integer exitCode,
            Long logChunks,
            Instant at,
            Changes changes) {
        if (job.state().holdsSlot()) {
            ready.release(run.repositoryId());
        }
        job.end(outcome, reason, exitCode, logChunks, at);
        changes.touch(run);
        Log.infof(
                "run %s: job %s attempt %d ended %s%s",
                run.runId(), job.jobId(), job.attempt(), outcome.status(), reason == null ? "" : " (" + reason + ")");
        if (job.failed() && job.failFast()) {
            failFast(run, job, changes);
        }
        advance(run, changes);
    }

    /** A matrix job failed: the others of its matrix are cancelled, as GitHub's {@code fail-fast} does. */
    private void failFast(Run run, Job failed, Changes changes) {
        String why = "Cancelled: job " + failed.jobId() + " of the same matrix failed (strategy.fail-fast).";
        for (Job sibling : run.group(failed.group())) {
            if (sibling == failed || sibling.state().terminal()) {
                continue;
            }
            switch (sibling.state()) {
                case WAITING, READY -> {
                    ready.remove(run, sibling);
                    sibling.end(JobState.CANCELLED, why, null, 0L, changes.now());
                }
                case DISPATCHED, RUNNING -> stop(run, sibling, JobCancelRequested.Reason.CANCELLED, changes);
                default -> {}
            }
        }
    }

    private void cancel(Run run, JobCancelRequested.Reason why, String reason, Changes changes) {
        if (run.cancelRequested()) {
            return;
        }
        run.requestCancel(reason);
        changes.touch(run);
        Log.infof("run %s: %s", run.runId(), reason);
        boolean started = run.anyDispatched();
        for (Job job : run.jobs()) {
            switch (job.state()) {
                case WAITING, READY -> {
                    // Clean-up jobs (always(), cancelled()) of a run that had begun still get their turn.
                    if (!(started && job.runsAfterCancel())) {
                        ready.remove(run, job);
                        job.end(JobState.CANCELLED, reason, null, 0L, changes.now());
                    }
                }
                case DISPATCHED, RUNNING -> stop(run, job, why, changes);
                default -> {}
            }
        }
        advance(run, changes);
    }

    /** Asks the controllers to stop the current attempt, once. */
    private void stop(Run run, Job job, JobCancelRequested.Reason why, Changes changes) {
        if (job.cancelRequestedAt() != null && why != JobCancelRequested.Reason.REDISPATCHED) {
            return;
        }
        job.cancelRequested(changes.now());
        send(
                Topics.JOB_CANCEL_REQUESTED,
                run.runId(),
                new JobCancelRequested(run.runId(), job.jobId(), job.attempt(), why, changes.now()),
                changes);
    }

    /**
     * Decides every waiting job whose needs have all ended, until nothing changes; a template is
     * instantiated once it may run; a matrix job waits while its group has {@code max-parallel} jobs
     * in flight. Concludes the run when all ended.
     */
    private void advance(Run run, Changes changes) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Job job : List.copyOf(run.jobs())) {
                if (job.state() != JobState.WAITING || !run.needsEnded(job) || atMaxParallel(run, job)) {
                    continue;
                }
                changes.touch(run);
                Decision decision = decide(run, job);
                if (decision.state() == JobState.READY && job.collects()) {
                    collect(run, job, changes);
                    changed = true;
                } else if (decision.state() == JobState.READY && job.template()) {
                    instantiate(run, job, changes);
                    changed = true;
                } else if (decision.state() == JobState.READY) {
                    job.ready();
                    if (groups.isHead(run)) {
                        ready.add(run, job);
                    }
                } else {
                    job.end(decision.state(), decision.reason(), null, 0L, changes.now());
                    changed = true;
                }
            }
        }
        if (run.allJobsEnded() && !run.status().terminal()) {
            conclude(run, changes);
        }
    }

    private static boolean atMaxParallel(Run run, Job job) {
        if (job.maxParallel() <= 0) {
            return false;
        }
        long inFlight = run.group(job.group()).stream()
                .filter(j -> j.state() == JobState.READY || j.state().holdsSlot())
                .count();
        return inFlight >= job.maxParallel();
    }

    /** A job's fate once its needs ended, and why when it does not run. */
    private record Decision(JobState state, String reason) {}

    /** A job of a called workflow runs only where its caller would: the caller's {@code if} first, then its own with the caller's inputs. */
    private Decision decide(Run run, Job job) {
        String condition = job.condition();
        if (run.cancelRequested() && !job.runsAfterCancel()) {
            return new Decision(JobState.CANCELLED, run.cancelReason());
        }
        if (job.caller() != null) {
            try {
                if (!Values.truthy(Evaluator.evaluate(job.callerCondition(), JobScope.ofCaller(run, job)))) {
                    return new Decision(
                            JobState.SKIPPED,
                            skipReason(job.callerCondition()) + " (job " + job.caller() + ", which calls it)");
                }
                JobScope.inputs(run, job);
            } catch (ExpressionException e) {
                return new Decision(
                        JobState.FAILURE,
                        "The `if` of job " + job.caller() + " could not be evaluated: " + e.getMessage());
            } catch (JobInstances.InstantiationException e) {
                return new Decision(
                        JobState.FAILURE, "Job " + job.caller() + " cannot call its workflow: " + e.getMessage());
            }
        }
        try {
            if (Values.truthy(Evaluator.evaluate(condition, JobScope.of(run, job)))) {
                return new Decision(JobState.READY, null);
            }
        } catch (ExpressionException e) {
            return new Decision(
                    JobState.FAILURE, "The `if` of job " + job.jobId() + " could not be evaluated: " + e.getMessage());
        }
        return new Decision(JobState.SKIPPED, skipReason(condition));
    }

    /**
     * A calling job ends as its called jobs did — failure if one failed, cancelled if one was,
     * skipped if all were — with the outputs the called workflow maps from them; it runs nowhere.
     */
    private void collect(Run run, Job caller, Changes changes) {
        List<Job> called = caller.needs().stream()
                .flatMap(need -> run.group(need).stream())
                .toList();
        JobState state = JobState.SUCCESS;
        String reason = null;
        Optional<Job> failed = called.stream().filter(Job::failed).findFirst();
        if (failed.isPresent()) {
            state = JobState.FAILURE;
            reason = "Job " + failed.get().jobId() + " of the called workflow failed.";
        } else if (called.stream().anyMatch(j -> j.state() == JobState.CANCELLED)) {
            state = JobState.CANCELLED;
            reason = run.cancelRequested() ? run.cancelReason() : "A job of the called workflow was cancelled.";
        } else if (!called.isEmpty() && called.stream().allMatch(j -> j.state() == JobState.SKIPPED)) {
            state = JobState.SKIPPED;
            reason = "Skipped: every job of the called workflow was.";
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        JobScope scope = JobScope.of(run, caller);
        for (Map.Entry<String, JsonNode> output : caller.spec().path("outputs").properties()) {
            try {
                outputs.put(output.getKey(), Template.render(output.getValue().asText(), scope));
            } catch (ExpressionException e) {
                state = JobState.FAILURE;
                reason = "Output " + output.getKey() + " of the called workflow could not be evaluated: "
                        + e.getMessage();
            }
        }
        caller.outputs(outputs);
        caller.end(state, reason, null, 0L, changes.now());
        Log.infof("run %s: job %s ended %s with its called workflow", run.runId(), caller.jobId(), state.status());
    }

    private static String skipReason(String condition) {
        return switch (condition) {
            case "success()" -> "Skipped: a job it needs did not succeed.";
            case "failure()" -> "Skipped: it runs only when a job before it failed, and none did.";
            case "cancelled()" -> "Skipped: it runs only when the run is cancelled.";
            default -> "Skipped: its `if` is false: " + condition;
        };
    }

    /**
     * Makes the jobs of a template whose fields read {@code needs} (a matrix from another job's
     * outputs) with the library trigger-service uses; they take the template's place, waiting. A
     * template that cannot be instantiated ends {@code failure}, saying why.
     */
    private void instantiate(Run run, Job template, Changes changes) {
        List<Job> instances = new ArrayList<>();
        try {
            for (ObjectNode spec : JobInstances.instantiate((ObjectNode) template.spec(), JobScope.of(run, template))) {
                instances.add(Job.instance(
                        json.treeToValue(spec, JobSpec.class),
                        spec,
                        template.index(),
                        config.defaultJobTimeoutMinutes()));
            }
        } catch (JobInstances.InstantiationException | JsonProcessingException | IllegalArgumentException e) {
            template.end(
                    JobState.FAILURE,
                    "Job " + template.jobId() + " could not be set up: " + e.getMessage(),
                    null,
                    0L,
                    changes.now());
            return;
        }
        run.replace(template, instances);
        Log.infof("run %s: job %s made %d job(s) from its template", run.runId(), template.jobId(), instances.size());
    }

    private void conclude(Run run, Changes changes) {
        RunStatus status = RunStatus.SUCCESS;
        String reason = null;
        if (run.cancelRequested()) {
            status = RunStatus.CANCELLED;
            reason = run.cancelReason();
        } else {
            Optional<Job> errored = run.jobs().stream()
                    .filter(j -> j.state() == JobState.ERROR && !j.continueOnError())
                    .findFirst();
            Optional<Job> failed = run.jobs().stream()
                    .filter(j -> j.state() == JobState.FAILURE && !j.continueOnError())
                    .findFirst();
            Optional<Job> cancelled = run.jobs().stream()
                    .filter(j -> j.state() == JobState.CANCELLED)
                    .findFirst();
            if (errored.isPresent()) {
                status = RunStatus.ERROR;
                reason = "Job " + errored.get().jobId() + ": " + errored.get().reason();
            } else if (failed.isPresent()) {
                status = RunStatus.FAILURE;
                reason = "Job " + failed.get().jobId() + " failed" + detail(failed.get());
            } else if (cancelled.isPresent()) {
                status = RunStatus.CANCELLED;
                reason = "Job " + cancelled.get().jobId() + " was cancelled" + detail(cancelled.get());
            }
        }
        run.conclude(status, reason, changes.now());
        publish(run, changes);
        Log.infof("run %s: %s%s", run.runId(), status.word(), reason == null ? "" : " (" + reason + ")");
        retire(run, changes);
    }

    /** The run has ended: it leaves the active set and its concurrency group. */
    private void retire(Run run, Changes changes) {
        active.remove(run.runId());
        groups.leave(run).ifPresent(this::enqueueReady);
    }

    private static String detail(Job job) {
        if (job.reason() != null) {
            return ": " + job.reason();
        }
        return job.exitCode() != null ? " with exit code " + job.exitCode() + "." : ".";
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private void enqueueReady(Run run) {
        run.jobs().stream().filter(job -> job.state() == JobState.READY).forEach(job -> ready.add(run, job));
    }

    private void sendDispatch(Run run, Job job, Changes changes) {
        ObjectNode context = run.context().deepCopy();
        context.set("needs", JobScope.needs(run, job));
        if (job.caller() != null) {
            // Decided when the job became ready, over jobs that have ended: it cannot fail now.
            context.set("inputs", JobScope.inputs(run, job));
        }
        send(
                Topics.jobDispatched(run.trusted()),
                run.runId(),
                new JobDispatched(
                        run.runId(),
                        job.jobId(),
                        job.attempt(),
                        job.dispatchedAt(),
                        run.repository(),
                        run.commit(),
                        run.ref(),
                        run.cloneUrl(),
                        run.trusted(),
                        run.workflow(),
                        context,
                        job.spec()),
                changes);
    }

    private void publish(Run run, Changes changes) {
        changes.touch(run);
        send(Topics.RUN_EVENTS, run.runId(), run.nextEvent(changes.now()), changes);
    }

    private void send(String topic, String key, Object event, Changes changes) {
        try {
            changes.publish(topic, key, json.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + topic + " for run " + key, e);
        }
    }

    /** Strictly increasing, so the queue order of two runs never depends on a tie. */
    private Instant nextQueuedAt(Instant now) {
        Instant candidate = now.truncatedTo(ChronoUnit.MICROS);
        lastQueuedAt = candidate.isAfter(lastQueuedAt) ? candidate : lastQueuedAt.plus(1, ChronoUnit.MICROS);
        return lastQueuedAt;
    }

    private int priorityOf(String kind) {
        SchedulerConfig.Priorities priorities = config.priority();
        if (kind == null) {
            return priorities.other();
        }
        return switch (kind) {
            case "manual" -> priorities.manual();
            case "rerun" -> priorities.rerun();
            case "push" -> priorities.push();
            case "patch" -> priorities.patch();
            default -> priorities.other();
        };
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static String formatMinutes(double minutes) {
        return minutes == Math.rint(minutes) ? String.valueOf((long) minutes) : String.valueOf(minutes);
    }
}
