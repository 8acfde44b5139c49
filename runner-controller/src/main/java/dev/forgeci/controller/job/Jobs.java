package dev.forgeci.controller.job;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forgeci.controller.actions.ActionSource;
import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.secrets.SecretStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;

/** The jobs this controller runs: capacity, tracking (what is not tracked is an orphan), cancels, shutdown. */
@ApplicationScoped
public class Jobs {

    private final JobSettings settings;
    private final RunnerEngine engine;
    private final Publisher publisher;
    private final SecretStore secrets;
    private final ActionSource actions;
    private final Capacity capacity;
    private final LeftoverRunners leftovers;
    private final Map<JobKey, JobExecution> tracked = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(threads("forge-job"));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(threads("forge-job-timer"));

    public Jobs(
            ControllerConfig config,
            RunnerEngine engine,
            Publisher publisher,
            SecretStore secrets,
            ActionSource actions,
            LeftoverRunners leftovers) {
        this.settings = JobSettings.from(config);
        this.leftovers = leftovers;
        this.engine = engine;
        this.publisher = publisher;
        this.secrets = secrets;
        this.actions = actions;
        this.capacity = new Capacity(config.controller().capacity());
    }

    public int capacity() {
        return capacity.slots();
    }

    /** Completes when a slot is free; the caller then owns it until the job ends or {@link #giveBack()}. */
    public CompletionStage<Void> awaitSlot() {
        return capacity.acquire();
    }

    public void giveBack() {
        capacity.release();
    }

    /** Tracks the job from now on, so neither the orphan sweep nor a duplicate can touch its runner. */
    public JobExecution track(JobDispatched dispatch) {
        JobExecution execution =
                new JobExecution(dispatch, settings, engine, publisher, secrets, actions, executor, timer);
        tracked.put(execution.key(), execution);
        return execution;
    }

    /** Runs a tracked job on its own thread; its slot is given back when its runner is removed. */
    public void launch(JobExecution execution) {
        executor.execute(() -> {
            try {
                execution.run();
            } finally {
                execution.leftBehind().ifPresent(leftovers::add);
                tracked.remove(execution.key());
                capacity.release();
            }
        });
    }

    public boolean tracks(JobKey job) {
        return tracked.containsKey(job);
    }

    public List<JobKey> running() {
        return List.copyOf(tracked.keySet());
    }

    /** Cancels the attempt if this controller runs it; true when it does. */
    public boolean cancel(JobKey job, String reason) {
        JobExecution execution = tracked.get(job);
        if (execution != null) {
            execution.cancel(reason);
        }
        return execution != null;
    }

    /** A stopping controller stops its runners and reports their jobs, rather than leaving orphans behind. */
    void onShutdown(@Observes ShutdownEvent event) {
        List<JobExecution> executions = List.copyOf(tracked.values());
        if (executions.isEmpty()) {
            return;
        }
        Log.infof("Stopping %d running job(s) before the controller stops", executions.size());
        executions.forEach(execution -> execution.abort("controller stopped"));
        CompletableFuture<?>[] ended = executions.stream()
                .map(execution -> execution.ended().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(ended)
                    .get(settings.stopGracePeriod().plusSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Log.warnf("Not every job ended before the controller stopped; the next start removes their runners");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void close() {
        timer.shutdownNow();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
