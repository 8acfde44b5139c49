package dev.forgeci.controller.runner;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runner containers on one Docker host, as the controller needs them. The controller removes a
 * runner itself after reading its exit state (exit code, OOM kill), so nothing is auto-removed.
 */
public interface RunnerEngine {

    /** Creates the job's volume and container and copies the job's files in; nothing runs yet. */
    Runner create(RunnerSpec spec);

    /**
     * Attaches to stdin, stdout and stderr, then starts the container, so no output is missed and
     * the agent can be given commands. The attachment's {@code ended()} completes when both
     * streams have ended (the container exited).
     */
    Attachment start(Runner runner, RunnerOutput output);

    /** Copies files into the running container (path under / → file); directories are made as needed. */
    void copyIn(Runner runner, Map<String, RunnerSpec.RunnerFile> files);

    /**
     * The regular files directly in a directory of the running container, by name; a file beyond
     * {@code maxBytes} in all makes it throw, so a step cannot make the controller read without bound.
     */
    Map<String, byte[]> copyOut(Runner runner, String directory, long maxBytes);

    /** Waits until the container has exited and reads how. */
    RunnerExit awaitExit(Runner runner);

    /** SIGTERM, then SIGKILL after the grace period; returns when the container has stopped. */
    void stop(Runner runner, Duration grace);

    /** Removes the container and its volume; what is already gone is not an error. */
    void remove(Runner runner);

    /** Containers and volumes labelled with this controller id, e.g. what a crashed controller left. */
    List<OwnedRunner> owned(String controllerId);

    /** Returns when the engine answers; throws {@link RunnerException} when it does not. */
    void ping();
}
