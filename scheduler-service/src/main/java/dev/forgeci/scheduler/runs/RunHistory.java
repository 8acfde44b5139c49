package dev.forgeci.scheduler.runs;

import java.util.Optional;

/** Runs that are no longer active, as the store keeps them. */
public interface RunHistory {

    Optional<Run> find(String runId);

    /** The run-requested record as it arrived. */
    Optional<String> request(String runId);
}
