package dev.forgeci.trigger.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.events.RunStatus;

/**
 * In-process wake-ups for requests waiting on a run (the ci-broker adapter's long poll), plus the
 * last status seen for recent runs, so a wait still ends while Redis is briefly unavailable.
 */
@ApplicationScoped
public class RunWaiters {

    private static final int REMEMBERED = 10_000;

    private final Map<String, List<CompletableFuture<RunStatus>>> waiting = new ConcurrentHashMap<>();
    private final Map<String, RunStatus> recent = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunStatus> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Completes with the run's next status; the caller bounds the wait and calls {@link #cancel}. */
    public CompletableFuture<RunStatus> next(String runId) {
        CompletableFuture<RunStatus> future = new CompletableFuture<>();
        waiting.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(future);
        return future;
    }

    public void cancel(String runId, CompletableFuture<RunStatus> future) {
        waiting.computeIfPresent(runId, (id, futures) -> {
            futures.remove(future);
            return futures.isEmpty() ? null : futures;
        });
    }

    public void statusChanged(String runId, RunStatus status) {
        synchronized (recent) {
            recent.put(runId, status);
        }
        List<CompletableFuture<RunStatus>> futures = waiting.remove(runId);
        if (futures != null) {
            futures.forEach(f -> f.complete(status));
        }
    }

    public Optional<RunStatus> lastSeen(String runId) {
        synchronized (recent) {
            return Optional.ofNullable(recent.get(runId));
        }
    }
}
