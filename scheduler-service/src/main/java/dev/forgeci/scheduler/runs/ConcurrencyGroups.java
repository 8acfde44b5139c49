package dev.forgeci.scheduler.runs;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The active runs of each concurrency group, in arrival order: only a group's first run (its head)
 * may run jobs, as GitHub Actions lets one run of a group be in progress at a time. Groups are per
 * repository. A run that waits for approval belongs to no group yet, so it holds up no one.
 */
final class ConcurrencyGroups {

    /** Arrival order: queue time, then run id for runs queued in the same microsecond. */
    static final Comparator<Run> ARRIVAL = Comparator.comparing(Run::queuedAt).thenComparing(Run::runId);

    private final Map<String, TreeSet<Run>> groups = new HashMap<>();

    void clear() {
        groups.clear();
    }

    void join(Run run) {
        if (grouped(run)) {
            groups.computeIfAbsent(key(run), key -> new TreeSet<>(ARRIVAL)).add(run);
        }
    }

    /** Whether the run may run jobs: it is first in its group, or in none. */
    boolean isHead(Run run) {
        TreeSet<Run> group = grouped(run) ? groups.get(key(run)) : null;
        return group == null || group.isEmpty() || group.first() == run;
    }

    /** The runs of the group the run would join, oldest first; what {@code cancel-in-progress} cancels. */
    List<Run> members(Run run) {
        TreeSet<Run> group = grouped(run) ? groups.get(key(run)) : null;
        return group == null ? List.of() : List.copyOf(group);
    }

    /** The run leaves its group; the answer is the group's new head, whose jobs may now run. */
    Optional<Run> leave(Run run) {
        if (!grouped(run)) {
            return Optional.empty();
        }
        TreeSet<Run> group = groups.get(key(run));
        if (group == null || !group.remove(run)) {
            return Optional.empty();
        }
        if (group.isEmpty()) {
            groups.remove(key(run));
            return Optional.empty();
        }
        return Optional.of(group.first());
    }

    private static boolean grouped(Run run) {
        return run.concurrencyGroup() != null && run.status() != RunStatus.WAITING;
    }

    private static String key(Run run) {
        return run.repositoryId() + "\n" + run.concurrencyGroup();
    }
}
