package dev.forgeci.scheduler.runs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.scheduler.config.SchedulerConfig;
import dev.forgeci.scheduler.infra.Backoff;
import dev.forgeci.scheduler.infra.KafkaRebuild;
import dev.forgeci.scheduler.infra.RunStore;
import dev.forgeci.scheduler.infra.StoreUnavailableException;
import dev.forgeci.scheduler.messaging.OutboxRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs the {@link Scheduler} on one thread. Commands (events, API calls, watchdog ticks) queue up;
 * the thread applies as many as are waiting, dispatches what may run, and writes the whole batch
 * to Redis in one transaction before any command completes, so a Kafka offset is acknowledged only
 * once its effect is stored. If Redis fails, the in-memory state is thrown away and reloaded, and
 * the batch is applied again: commands are idempotent.
 */
@ApplicationScoped
public class SchedulerEngine {

    private static final int MAX_BATCH = 512;
    private static final Duration TRIM_EVERY = Duration.ofHours(1);

    private final Scheduler scheduler;
    private final RunStore store;
    private final OutboxRelay relay;
    private final KafkaRebuild rebuild;
    private final SchedulerConfig config;
    private final BlockingQueue<Command<?>> inbox = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "forge-scheduler-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;
    private volatile boolean restored;
    private volatile int queuedJobs;
    private volatile int inFlightJobs;
    private volatile int activeRuns;
    private Instant nextTrim = Instant.EPOCH;
    private Thread thread;

    public SchedulerEngine(
            SchedulerConfig config,
            RunStore store,
            OutboxRelay relay,
            KafkaRebuild rebuild,
            ObjectMapper json,
            MeterRegistry metrics) {
        this.config = config;
        this.store = store;
        this.relay = relay;
        this.rebuild = rebuild;
        this.scheduler = new Scheduler(config, store, json);
        metrics.gauge("forge.scheduler.jobs.queued", this, engine -> engine.queuedJobs);
        metrics.gauge("forge.scheduler.jobs.in.flight", this, engine -> engine.inFlightJobs);
        metrics.gauge("forge.scheduler.runs.active", this, engine -> engine.activeRuns);
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        // Loading an existing state takes milliseconds: done before the service reports started,
        // so it is ready at once. A rebuild, or a Redis that is not there yet, is the thread's job.
        try {
            if (store.initialized()) {
                load();
            }
        } catch (RuntimeException e) {
            Log.warnf("cannot load the scheduler state yet (%s); retrying in the background", e.getMessage());
        }
        relay.start();
        thread = new Thread(this::loop, "forge-scheduler");
        thread.start();
        long interval = config.watchdogInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        ticker.shutdownNow();
        if (thread != null) {
            thread.interrupt();
            Backoff.join(thread);
        }
        relay.stop();
    }

    /** Applies an action on the scheduler's thread; completes once its changes are stored. */
    public <T> CompletableFuture<T> submit(Function<Changes, T> action) {
        Command<T> command = new Command<>(action);
        if (!running) {
            command.future.completeExceptionally(new SchedulerStoppedException());
        } else {
            inbox.add(command);
        }
        return command.future;
    }

    public boolean running() {
        return running;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The active runs have been loaded from Redis, so decisions are based on the whole state. */
    public boolean restored() {
        return restored;
    }

    private void tick() {
        try {
            submit(changes -> {
                        scheduler.watch(changes);
                        trimNowAndThen(changes.now());
                        return null;
                    })
                    .get(config.apiTimeout().toMillis() * 6, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Log.warnf("watchdog round failed: %s", e.getMessage());
        }
    }

    private void trimNowAndThen(Instant now) {
        if (now.isBefore(nextTrim)) {
            return;
        }
        nextTrim = now.plus(TRIM_EVERY);
        try {
            store.trimIndexes(now);
        } catch (StoreUnavailableException e) {
            Log.warnf("could not trim the run indexes: %s", e.getMessage());
        }
    }

    private void loop() {
        if (!restored && !restore()) {
            return;
        }
        while (running) {
            List<Command<?>> batch = new ArrayList<>();
            try {
                Command<?> first = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                break;
            }
            inbox.drainTo(batch, MAX_BATCH - 1);
            if (!execute(batch)) {
                break;
            }
        }
        List<Command<?>> left = new ArrayList<>();
        inbox.drainTo(left);
        left.forEach(command -> command.future.completeExceptionally(new SchedulerStoppedException()));
    }

    /** Applies, dispatches and stores one batch; false when interrupted while waiting for Redis. */
    private boolean execute(List<Command<?>> batch) {
        List<Command<?>> pending = new ArrayList<>(batch);
        Backoff backoff = new Backoff();
        while (true) {
            Changes changes = new Changes(Instant.now());
            boolean stored = false;
            boolean faulty = false;
            try {
                for (Iterator<Command<?>> it = pending.iterator(); it.hasNext() && !faulty; ) {
                    Command<?> command = it.next();
                    try {
                        command.apply(changes);
                    } catch (RunNotFoundException | RunConflictException e) {
                        // Thrown before anything changed: the answer to this command, not a fault.
                        command.failure = e;
                    } catch (StoreUnavailableException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        // The state may be half-changed: drop this command, reload, apply the others again.
                        Log.errorf(e, "a command failed unexpectedly; reloading the state");
                        it.remove();
                        command.future.completeExceptionally(e);
                        faulty = true;
                    }
                }
                if (!faulty) {
                    scheduler.dispatchReady(changes);
                    store.commit(changes);
                    stored = true;
                }
            } catch (StoreUnavailableException e) {
                Log.warnf(
                        "Redis is unavailable (%s); the scheduler waits, reloads its state and tries again",
                        e.getMessage());
            }
            if (stored) {
                pending.forEach(Command::complete);
                if (!changes.outbox().isEmpty()) {
                    relay.wake();
                }
                queuedJobs = scheduler.queued();
                inFlightJobs = scheduler.inFlight();
                activeRuns = scheduler.activeRuns();
                return true;
            }
            if (!faulty && !backoff.pause() || !restore()) {
                return false;
            }
        }
    }

    /** Loads the active runs from Redis, waiting for it as long as it takes; false when interrupted. */
    private boolean restore() {
        Backoff backoff = new Backoff();
        while (running) {
            try {
                if (!store.initialized()) {
                    if (config.rebuild().enabled()) {
                        rebuild.rebuild(scheduler);
                    }
                    store.markInitialized(Instant.now());
                }
                load();
                return true;
            } catch (RuntimeException e) {
                restored = false;
                Log.warnf("cannot load the scheduler state (%s); retrying", e.getMessage());
                if (!backoff.pause()) {
                    return false;
                }
            }
        }
        return false;
    }

    private void load() {
        RunStore.ActiveState state = store.loadActive();
        scheduler.restore(state.runs(), state.requests(), Instant.now());
        restored = true;
    }

    private static final class Command<T> {

        private final Function<Changes, T> action;
        private final CompletableFuture<T> future = new CompletableFuture<>();
        private T result;
        private RuntimeException failure;

        Command(Function<Changes, T> action) {
            this.action = action;
        }

        void apply(Changes changes) {
            failure = null;
            result = action.apply(changes);
        }

        void complete() {
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(result);
            }
        }
    }
}
