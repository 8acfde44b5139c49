package dev.forgeci.logs.api;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.access.Caller;
import dev.forgeci.access.Scope;
import dev.forgeci.logs.infra.LogStore;
import io.smallrye.mutiny.Uni;

/**
 * Whether a caller may read a run's log: a token for every repository may; one limited to some
 * repositories may once the run's repository is known (from its run events) and is one of them.
 */
@ApplicationScoped
public class RunAccess {

    private final LogStore store;

    public RunAccess(LogStore store) {
        this.store = store;
    }

    /** Why {@code caller} may not read {@code runId}, or empty when it may. */
    public Uni<Optional<String>> refusal(Caller caller, String runId) {
        if (caller.seesEveryRepository()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return store.repository(runId)
                .map(repository ->
                        repository.filter(r -> caller.may(Scope.READ, r)).isPresent()
                                ? Optional.empty()
                                : Optional.of("the token `" + caller.name() + "` may not read run " + runId
                                        + (repository.isPresent()
                                                ? " of " + repository.get()
                                                : ", whose repository is not known yet")));
    }
}
