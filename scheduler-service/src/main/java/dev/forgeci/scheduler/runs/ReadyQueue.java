package dev.forgeci.scheduler.runs;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Jobs ready to run and the slots they compete for. The next job comes from the highest priority;
 * within it from the repository with the fewest jobs in flight (so one busy repository cannot hold
 * back another), and within that repository first in, first out.
 */
final class ReadyQueue {

    record Entry(Run run, Job job) {}

    private static final Comparator<Entry> FIFO = Comparator.<Entry, java.time.Instant>comparing(
                    e -> e.run().requestOrder())
            .thenComparing(e -> e.run().queuedAt())
            .thenComparingInt(e -> e.job().index())
            // the jobs a template made share its place in the workflow
            .thenComparing(e -> e.job().jobId());

    private final TreeMap<Integer, Map<String, TreeSet<Entry>>> byPriority = new TreeMap<>(Comparator.reverseOrder());
    private final Map<String, Integer> inFlightByRepository = new HashMap<>();
    private int inFlight;
    private int queued;

    void add(Run run, Job job) {
        if (byPriority
                .computeIfAbsent(run.priority(), p -> new HashMap<>())
                .computeIfAbsent(run.repositoryId(), r -> new TreeSet<>(FIFO))
                .add(new Entry(run, job))) {
            queued++;
        }
    }

    void remove(Run run, Job job) {
        Map<String, TreeSet<Entry>> repositories = byPriority.get(run.priority());
        TreeSet<Entry> entries = repositories == null ? null : repositories.get(run.repositoryId());
        if (entries != null && entries.remove(new Entry(run, job))) {
            queued--;
            if (entries.isEmpty()) {
                repositories.remove(run.repositoryId());
                if (repositories.isEmpty()) {
                    byPriority.remove(run.priority());
                }
            }
        }
    }

    /** The next job that may take a slot now, with the slot taken; null when none may. */
    Entry take(int globalLimit, int repositoryLimit) {
        if (inFlight >= globalLimit) {
            return null;
        }
        for (Iterator<Map<String, TreeSet<Entry>>> level = byPriority.values().iterator(); level.hasNext(); ) {
            Map<String, TreeSet<Entry>> repositories = level.next();
            String best = null;
            int bestInFlight = Integer.MAX_VALUE;
            Entry bestHead = null;
            for (Map.Entry<String, TreeSet<Entry>> candidate : repositories.entrySet()) {
                int repositoryInFlight = inFlight(candidate.getKey());
                if (repositoryInFlight >= repositoryLimit) {
                    continue;
                }
                Entry head = candidate.getValue().first();
                if (repositoryInFlight < bestInFlight
                        || repositoryInFlight == bestInFlight && FIFO.compare(head, bestHead) < 0) {
                    best = candidate.getKey();
                    bestInFlight = repositoryInFlight;
                    bestHead = head;
                }
            }
            if (best != null) {
                TreeSet<Entry> entries = repositories.get(best);
                entries.pollFirst();
                queued--;
                if (entries.isEmpty()) {
                    repositories.remove(best);
                    if (repositories.isEmpty()) {
                        level.remove();
                    }
                }
                occupy(best);
                return bestHead;
            }
        }
        return null;
    }

    void occupy(String repository) {
        inFlight++;
        inFlightByRepository.merge(repository, 1, Integer::sum);
    }

    void release(String repository) {
        inFlight--;
        inFlightByRepository.computeIfPresent(repository, (r, n) -> n > 1 ? n - 1 : null);
    }

    int inFlight(String repository) {
        return inFlightByRepository.getOrDefault(repository, 0);
    }

    int inFlight() {
        return inFlight;
    }

    int queued() {
        return queued;
    }

    void clear() {
        byPriority.clear();
        inFlightByRepository.clear();
        inFlight = 0;
        queued = 0;
    }
}
