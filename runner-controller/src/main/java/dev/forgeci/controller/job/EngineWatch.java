package dev.forgeci.controller.job;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Whether the Docker engine answers, asked every {@code forge.docker.ping-interval}. No job is taken
 * while it does not: an engine that restarts (a DinD sidecar's liveness probe) would otherwise fail
 * every job handed to it within milliseconds and drain the queue as errors. Readiness reports the
 * same verdict, so an orchestrator sees the controller is not serving.
 */
@ApplicationScoped
public class EngineWatch {

    /** What the last ping found; {@code since} is when that became so. */
    public record Verdict(boolean answering, Instant since, String error) {}

    private final RunnerEngine engine;
    private final String controllerId;
    private final String host;
    private final Instant startedAt = Instant.now();
    /** Null until the first ping. */
    private Verdict verdict;

    private CompletableFuture<Void> answered = new CompletableFuture<>();

    @Inject
    public EngineWatch(RunnerEngine engine, ControllerConfig config) {
        this(engine, config.controller().id(), config.docker().host());
    }

    EngineWatch(RunnerEngine engine, String controllerId, String host) {
        this.engine = engine;
        this.controllerId = controllerId;
        this.host = host;
    }

    @Scheduled(every = "${forge.docker.ping-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        String error = null;
        try {
            engine.ping();
        } catch (RunnerException e) {
            error = e.getMessage();
        }
        record(error);
    }

    /** Completes once the engine answers: at once if the last ping did, else when a later one does. */
    public CompletionStage<Void> awaitAnswering() {
        synchronized (this) {
            return verdict != null && verdict.answering() ? CompletableFuture.completedFuture(null) : answered;
        }
    }

    public synchronized Verdict verdict() {
        return verdict != null ? verdict : new Verdict(false, startedAt, "not asked yet");
    }

    private void record(String error) {
        CompletableFuture<Void> waiters = null;
        synchronized (this) {
            boolean answering = error == null;
            if (verdict != null && answering == verdict.answering()) {
                return;
            }
            verdict = new Verdict(answering, Instant.now(), error);
            if (answering) {
                waiters = answered;
                answered = new CompletableFuture<>();
            }
        }
        if (waiters != null) {
            Log.infof("Controller %s: the Docker engine at %s answers; taking jobs", controllerId, host);
            waiters.complete(null);
        } else {
            Log.warnf(
                    "Controller %s: the Docker engine at %s does not answer (%s); taking no job until it does",
                    controllerId, host, error);
        }
    }
}
