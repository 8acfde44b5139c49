package dev.forgeci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process the testkit owns, its output appended to a log: started (again), killed with
 * SIGKILL as a lost node is, or stopped with SIGTERM as in a planned restart, and waited for.
 * The services, the Kafka broker and the Redis servers of the tests are each one of these.
 */
final class ManagedProcess {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Path log;
    private Process process;

    ManagedProcess(String name, Path log) {
        this.name = name;
        this.log = log;
    }

    /** Starts the command unless the process already runs (then false). */
    synchronized boolean start(List<String> command) {
        if (isAlive()) {
            return false;
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " could not start (is it installed?)", e);
        }
        return true;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code, once it has exited. */
    synchronized int exitValue() {
        return process.exitValue();
    }

    synchronized long pid() {
        return process.pid();
    }

    /** Waits for a process that ends by itself (a one-shot command); false if it still ran after the timeout. */
    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL: no shutdown hook runs. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(STOP_GRACE);
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
    synchronized void stop() {
        if (process != null) {
            process.destroy();
            if (!awaitExit(STOP_GRACE)) {
                kill();
            }
        }
    }
}
