package dev.forgeci.controller.infra;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.forgeci.controller.runner.RunnerException;

/**
 * Engine calls with a deadline. docker-java's response timeout does not reach a Unix socket, the
 * engine's usual address (tried on the real engine: a 2 s timeout waited 30 s), so a stuck engine would hold its caller,
 * and with it a job's slot, for good. Here the caller gives up after the timeout; the call's own
 * thread is left to end when the engine answers or drops the connection.
 */
final class EngineCalls {

    private final Duration timeout;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "forge-docker-call");
        thread.setDaemon(true);
        return thread;
    });

    EngineCalls(Duration timeout) {
        this.timeout = timeout;
    }

    /** The call's result; what it throws, as it threw it; a {@link RunnerException} once the time is up. */
    <T> T within(String what, Callable<T> call) {
        return within(Duration.ZERO, what, call);
    }

    /** Ditto, with {@code extra} time the call is known to take (a stop waits out its grace period). */
    <T> T within(Duration extra, String what, Callable<T> call) {
        Future<T> result = threads.submit(call);
        Duration allowed = timeout.plus(extra);
        try {
            return result.get(allowed.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new RunnerException("the Docker engine did not answer " + what + " within " + shown(allowed), null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new RunnerException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(true);
            throw new RunnerException("interrupted while " + what, e);
        }
    }

    void run(String what, Runnable call) {
        within(what, () -> {
            call.run();
            return null;
        });
    }

    private static String shown(Duration time) {
        return time.toMillis() < 1000 ? time.toMillis() + " ms" : time.toSeconds() + " s";
    }

    void shutdown() {
        threads.shutdownNow();
    }
}
