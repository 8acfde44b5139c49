package dev.forgeci.controller.job;

import java.time.Duration;

import dev.forgeci.controller.events.JobKey;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * What every controller sharing the dispatch topic must agree on: which attempt has been taken (so
 * a redelivered dispatch never runs twice) and which attempts were cancelled before anyone took them.
 */
public interface JobLedger {

    /** True when this controller is the first to take the attempt. */
    Uni<Boolean> take(JobKey job, String controllerId, Duration remember);

    /** Remembers a cancel for a controller that takes the attempt later. */
    Uni<Void> rememberCancel(JobKey job, String reason, Duration remember);

    /** The reason of a remembered cancel, or null. */
    Uni<String> cancelReason(JobKey job);

    /** The ledger is shared state: while it is away a job waits, rather than running unguarded or being dropped. */
    static <T> Uni<T> retried(Uni<T> operation, JobKey job, String what) {
        return operation
                .onFailure()
                .invoke(e ->
                        Log.warnf("Run %s: %s job %s failed (%s); retrying", job.runId(), what, job, e.getMessage()))
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5))
                .indefinitely();
    }
}
