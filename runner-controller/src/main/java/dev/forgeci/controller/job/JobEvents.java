package dev.forgeci.controller.job;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.Status;
import io.quarkus.logging.Log;

/** One attempt's {@code job-events}, numbered from 1 and sent in that order. */
final class JobEvents {

    private final JobKey job;
    private final String controllerId;
    private final Publisher publisher;
    private long seq;

    JobEvents(JobKey job, String controllerId, Publisher publisher, long lastSeq) {
        this.job = job;
        this.controllerId = controllerId;
        this.publisher = publisher;
        this.seq = lastSeq;
    }

    CompletionStage<Void> jobStarted() {
        return send(JobEvent.Type.JOB_STARTED, null, null, null, null, null, null, null);
    }

    CompletionStage<Void> step(JobEvent.Type type, JobEvent.StepReport step) {
        return send(type, step, null, null, null, null, null, null);
    }

    CompletionStage<Void> jobFinished(
            Status status, Integer exitCode, String reason, long chunks, long lines, Map<String, String> outputs) {
        return send(JobEvent.Type.JOB_FINISHED, null, status, exitCode, reason, chunks, lines, outputs);
    }

    private synchronized CompletionStage<Void> send(
            JobEvent.Type type,
            JobEvent.StepReport step,
            Status status,
            Integer exitCode,
            String reason,
            Long chunks,
            Long lines,
            Map<String, String> outputs) {
        JobEvent event = new JobEvent(
                type,
                job.runId(),
                job.jobId(),
                job.attempt(),
                ++seq,
                controllerId,
                Instant.now(),
                step,
                status,
                exitCode,
                reason,
                chunks,
                lines,
                outputs);
        CompletionStage<Void> acknowledged = publisher.publish(event);
        acknowledged.whenComplete((ok, error) -> {
            if (error != null) {
                Log.errorf(
                        error, "Run %s: %s event %d of job %s was not published", job.runId(), type, event.seq(), job);
            }
        });
        return acknowledged;
    }
}
