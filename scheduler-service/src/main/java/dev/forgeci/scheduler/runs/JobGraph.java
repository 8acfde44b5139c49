package dev.forgeci.scheduler.runs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Checks that a workflow's jobs form a graph the scheduler can run: unique ids, known needs, no cycle. */
final class JobGraph {

    private JobGraph() {
    }

    static Optional<String> problem(List<JobSpec> jobs) {
        if (jobs.isEmpty()) {
            return Optional.of("the workflow has no jobs");
        }
        Map<String, JobSpec> byId = new HashMap<>();
        for (JobSpec job : jobs) {
            if (job.id() == null || job.id().isBlank()) {
                return Optional.of("a job has no id");
            }
            if (byId.put(job.id(), job) != null) {
                return Optional.of("job id " + job.id() + " is used twice");
            }
            if (JobCondition.parse(job.condition()).isEmpty()) {
                return Optional.of("job " + job.id() + " has an unknown if: " + job.condition());
            }
        }
        for (JobSpec job : jobs) {
            for (String need : job.needsOrEmpty()) {
                if (!byId.containsKey(need)) {
                    return Optional.of("job " + job.id() + " needs " + need + ", which is not a job of this workflow");
                }
            }
        }
        Set<String> done = new HashSet<>();
        for (JobSpec job : jobs) {
            Optional<String> cycle = cycleFrom(job, byId, new HashSet<>(), done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> cycleFrom(JobSpec job, Map<String, JobSpec> byId, Set<String> path, Set<String> done) {
        if (done.contains(job.id())) {
            return Optional.empty();
        }
        if (!path.add(job.id())) {
            return Optional.of("the needs of job " + job.id() + " form a cycle");
        }
        for (String need : job.needsOrEmpty()) {
            Optional<String> cycle = cycleFrom(byId.get(need), byId, path, done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.remove(job.id());
        done.add(job.id());
        return Optional.empty();
    }
}
