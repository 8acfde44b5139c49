package dev.forgeci.controller.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.LogChunk;
import dev.forgeci.controller.events.Status;
import dev.forgeci.controller.runner.OwnedRunner;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/**
 * Crash safety: at start-up, removes every container and volume labelled with this controller's id
 * that it does not track (a previous process of this controller left them), and reports their jobs
 * {@code error} ("runner lost"), numbering on from what the lost process had already published.
 */
@ApplicationScoped
public class OrphanSweeper {

    /** Clocks of the Docker host and the broker may differ a little. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

    private static final Duration RETRY = Duration.ofSeconds(30);

    private final RunnerEngine engine;
    private final Jobs jobs;
    private final JobHistory history;
    private final Publisher publisher;
    private final String controllerId;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "forge-orphan-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    public OrphanSweeper(
            RunnerEngine engine, Jobs jobs, JobHistory history, Publisher publisher, ControllerConfig config) {
        this.engine = engine;
        this.jobs = jobs;
        this.history = history;
        this.publisher = publisher;
        this.controllerId = config.controller().id();
    }

    void onStart(@Observes StartupEvent event) {
        sweeper.execute(this::sweepUntilDone);
    }

    @PreDestroy
    void close() {
        sweeper.shutdownNow();
    }

    /** Removes what this controller does not track; returns the jobs it reported lost. */
    public List<JobKey> sweep() {
        List<JobKey> lost = new ArrayList<>();
        for (OwnedRunner orphan : engine.owned(controllerId)) {
            if (orphan.job() != null && jobs.tracks(orphan.job())) {
                continue;
            }
            Log.infof(
                    "Run %s: removing runner %s (volume %s) that controller %s left behind",
                    orphan.job() == null ? "-" : orphan.job().runId(),
                    orphan.containerId(),
                    orphan.volume(),
                    controllerId);
            engine.remove(new Runner(orphan.containerId(), orphan.volume()));
            if (orphan.containerId() != null && orphan.job() != null && reportLost(orphan.job(), orphan.createdAt())) {
                lost.add(orphan.job());
            }
        }
        return lost;
    }

    private void sweepUntilDone() {
        try {
            sweep();
        } catch (RuntimeException e) {
            Log.warnf(
                    "Looking for runners that controller %s left behind failed (%s); trying again in %ss",
                    controllerId, e.getMessage(), RETRY.toSeconds());
            sweeper.schedule(this::sweepUntilDone, RETRY.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private boolean reportLost(JobKey job, Instant createdAt) {
        JobHistory.Progress progress = history.progress(job, createdAt.minus(CLOCK_SLACK));
        if (progress.finished()) {
            Log.infof("Run %s: job %s had already finished; only its runner was left", job.runId(), job);
            return false;
        }
        long chunk = progress.chunks() + 1;
        long line = progress.lines() + 1;
        String text = "forge: the runner of this job was lost: controller " + controllerId
                + " stopped while the job ran, and removed its runner when it started again";
        publisher
                .publish(new LogChunk(
                        job.runId(),
                        job.jobId(),
                        job.attempt(),
                        chunk,
                        line,
                        List.of(new LogChunk.Line(null, LogChunk.SYSTEM, text)),
                        Instant.now()))
                .toCompletableFuture()
                .join();
        new JobEvents(job, controllerId, publisher, progress.events())
                .jobFinished(Status.ERROR, null, "runner lost", chunk, line, null)
                .toCompletableFuture()
                .join();
        Log.infof("Run %s: job %s reported error (runner lost)", job.runId(), job);
        return true;
    }
}
