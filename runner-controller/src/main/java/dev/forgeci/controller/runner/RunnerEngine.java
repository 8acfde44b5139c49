package dev.forgeci.controller.runner;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Runner containers on one Docker host, as the controller needs them. The controller removes a
 * runner itself after reading its exit state (exit code, OOM kill), so nothing is auto-removed.
 */
public interface RunnerEngine {

    /** Creates the job's volume and container and copies the job's files in; nothing runs yet. */
    Runner create(RunnerSpec spec);

    /**
     * Attaches to stdout and stderr, then starts the container, so no output is missed. The stage
     * completes when both streams have ended (the container exited).
     */
    CompletionStage<Void> start(Runner runner, RunnerOutput output);

    /** Waits until the container has exited and reads how. */
    RunnerExit awaitExit(Runner runner);

    /** SIGTERM, then SIGKILL after the grace period; returns when the container has stopped. */
    void stop(Runner runner, Duration grace);

    /** Removes the container and its volume; what is already gone is not an error. */
    void remove(Runner runner);

    /** Containers and volumes labelled with this controller id, e.g. what a crashed controller left. */
    List<OwnedRunner> owned(String controllerId);
}
