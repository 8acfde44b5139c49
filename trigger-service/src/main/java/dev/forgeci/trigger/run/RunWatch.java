package dev.forgeci.trigger.run;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.events.RunStatus;
import dev.forgeci.trigger.infra.RunStatusStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Waits, without holding a thread, until every run of a group reached a terminal status or the wait
 * ends. Wakes on this replica's run-events, and looks at the Redis view every second for the ones
 * another replica consumed.
 */
@ApplicationScoped
public class RunWatch {

    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final RunStatusStore store;
    private final RunWaiters waiters;

    public RunWatch(RunStatusStore store, RunWaiters waiters) {
        this.store = store;
        this.waiters = waiters;
    }

    /** The group's state: each run's last known status (null when none is known yet). */
    public record GroupState(List<String> runIds, Map<String, RunStatus> statuses) {
        public boolean finished() {
            return runIds.stream()
                    .allMatch(id -> statuses.get(id) != null && statuses.get(id).terminal());
        }

        /** success when every run succeeded, failure otherwise; meaningful once finished. */
        public String result() {
            return runIds.stream().allMatch(id -> statuses.get(id) == RunStatus.SUCCESS) ? "success" : "failure";
        }
    }

    public Uni<GroupState> await(String runId, Duration maxWait) {
        Instant deadline = Instant.now().plus(maxWait);
        return store.members(runId).onFailure().recoverWithItem(List.of(runId)).flatMap(ids -> poll(ids, deadline));
    }

    private Uni<GroupState> poll(List<String> ids, Instant deadline) {
        return store.statuses(ids)
                .onFailure()
                .invoke(e -> Log.warnf(
                        "run %s: status view unavailable (%s); using what this replica saw",
                        ids.get(0), e.getMessage()))
                .onFailure()
                .recoverWithItem(Map.of())
                .flatMap(stored -> {
                    Map<String, RunStatus> statuses = new HashMap<>(stored);
                    ids.forEach(id ->
                            waiters.lastSeen(id).ifPresent(s -> statuses.merge(id, s, (a, b) -> a.terminal() ? a : b)));
                    GroupState state = new GroupState(ids, statuses);
                    Duration left = Duration.between(Instant.now(), deadline);
                    if (state.finished() || left.isNegative() || left.isZero()) {
                        return Uni.createFrom().item(state);
                    }
                    return wake(ids, left.compareTo(RECHECK) < 0 ? left : RECHECK)
                            .flatMap(x -> poll(ids, deadline));
                });
    }

    /** Completes on the first status change of any of the runs, or after {@code within}. */
    private Uni<Boolean> wake(List<String> ids, Duration within) {
        List<CompletableFuture<RunStatus>> futures =
                ids.stream().map(waiters::next).toList();
        return Uni.createFrom()
                .completionStage(CompletableFuture.anyOf(futures.toArray(CompletableFuture[]::new)))
                .map(x -> true)
                .ifNoItem()
                .after(within)
                .recoverWithItem(false)
                .onTermination()
                .invoke(() -> {
                    for (int i = 0; i < ids.size(); i++) {
                        waiters.cancel(ids.get(i), futures.get(i));
                    }
                });
    }
}
