package dev.forgeci.scheduler.runs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.scheduler.events.JobDispatched;
import dev.forgeci.scheduler.events.OutboxMessage;
import dev.forgeci.scheduler.events.RunEvent;
import dev.forgeci.scheduler.events.RunRequested;

/**
 * What a rebuild from the topics (see {@code KafkaRebuild}) does beyond feeding run-requested and
 * job-events to {@link Scheduler#accept} and {@link Scheduler#onJobEvent} as when they arrived: the
 * records only this scheduler wrote (job-dispatched, its run events) say which jobs hold slots, which
 * runs ended and where each run's seq goes on. What the replay would publish is kept apart, not sent.
 */
public final class RunReplay {

    private final Scheduler scheduler;
    private final ObjectMapper json;

    public RunReplay(Scheduler scheduler, ObjectMapper json) {
        this.scheduler = scheduler;
        this.json = json;
    }

    /** A run whose terminal event is on the run-events topic is stored as it ended. */
    public void ended(RunRequested request, String raw, RunEvent end, Changes changes) {
        Run run = scheduler.acceptEnded(request, raw, changes);
        if (run != null) {
            runEvent(end, run, changes);
        }
    }

    /** A job-dispatched this scheduler published: the job holds a slot with that attempt. */
    public void dispatched(JobDispatched dispatched, Changes changes) {
        Run run = scheduler.activeRun(dispatched.runId());
        Job job = run == null ? null : run.job(dispatched.jobId());
        if (job == null || job.state().terminal() || dispatched.attempt() <= job.attempt()) {
            return;
        }
        scheduler.holdSlot(
                run,
                job,
                dispatched.attempt(),
                dispatched.dispatchedAt() != null ? dispatched.dispatchedAt() : changes.now());
        changes.touch(run);
    }

    /**
     * A run event this scheduler published: the seq goes on from it, and a terminal one is the
     * run's outcome even where the replay could not tell (a cancel on request, a lost runner).
     */
    void runEvent(RunEvent event, Run run, Changes changes) {
        run.replayedSeq(event.seq());
        if (event.approval() != null && run.status() == RunStatus.WAITING) {
            run.approve(event.approval(), event.queuedAt() != null ? event.queuedAt() : run.queuedAt());
        }
        RunStatus status = event.status();
        if (!status.terminal()) {
            return;
        }
        Instant at = event.finishedAt() != null ? event.finishedAt() : changes.now();
        if (event.jobs() != null) {
            for (RunEvent.JobOutcome outcome : event.jobs()) {
                Job job = run.job(outcome.jobId());
                if (job != null && !job.state().terminal()) {
                    scheduler.endAsRecorded(run, job, JobState.ofOutcome(outcome.status()), outcome.logChunks(), at);
                }
            }
        }
        run.conclude(status, event.reason(), at);
        changes.touch(run);
        scheduler.retireEnded(run, changes);
    }

    /**
     * The end of a rebuild. The replay computed again the run events it would have published, with
     * the same seqs; those beyond what the run-events topic holds were lost with the outbox and are
     * published now (a run's "queued", or the end of a run that ended while Redis was lost).
     */
    public void finish(Map<String, Long> publishedSeqs, List<OutboxMessage> replayedRunEvents, Changes changes) {
        for (OutboxMessage message : replayedRunEvents) {
            try {
                JsonNode event = json.readTree(message.value());
                if (event.path("seq").asLong() > publishedSeqs.getOrDefault(message.key(), 0L)) {
                    changes.publish(message.topic(), message.key(), message.value());
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a replayed run event is not JSON", e);
            }
        }
        for (Run run : scheduler.active()) {
            run.replayedSeq(publishedSeqs.getOrDefault(run.runId(), 0L));
            changes.touch(run);
        }
    }
}
