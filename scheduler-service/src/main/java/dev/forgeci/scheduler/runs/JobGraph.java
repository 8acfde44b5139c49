package dev.forgeci.scheduler.runs;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.forgeci.language.expr.Condition;
import dev.forgeci.language.expr.ExpressionException;
import dev.forgeci.language.expr.Parser;

/**
 * Checks that a workflow's jobs form a graph the scheduler can run: unique ids, known needs (a need
 * names a job's group: the workflow's job id, shared by a matrix's jobs), conditions that parse, no
 * cycle.
 */
final class JobGraph {

    private JobGraph() {}

    static Optional<String> problem(List<JobSpec> jobs) {
        if (jobs.isEmpty()) {
            return Optional.of("the workflow has no jobs");
        }
        Set<String> ids = new HashSet<>();
        Map<String, Set<String>> needsByGroup = new LinkedHashMap<>();
        for (JobSpec job : jobs) {
            if (job.id() == null || job.id().isBlank()) {
                return Optional.of("a job has no id");
            }
            if (!ids.add(job.id())) {
                return Optional.of("job id " + job.id() + " is used twice");
            }
            try {
                Parser.parse(Condition.fromWord(job.condition()));
            } catch (ExpressionException e) {
                return Optional.of("job " + job.id() + " has an `if` that cannot be read (" + e.getMessage() + "): "
                        + job.condition());
            }
            needsByGroup
                    .computeIfAbsent(job.groupOrId(), group -> new HashSet<>())
                    .addAll(job.needsOrEmpty());
        }
        for (Map.Entry<String, Set<String>> group : needsByGroup.entrySet()) {
            for (String need : group.getValue()) {
                if (!needsByGroup.containsKey(need)) {
                    return Optional.of(
                            "job " + group.getKey() + " needs " + need + ", which is not a job of this workflow");
                }
            }
        }
        Set<String> done = new HashSet<>();
        for (String group : needsByGroup.keySet()) {
            Optional<String> cycle = cycleFrom(group, needsByGroup, new HashSet<>(), done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> cycleFrom(
            String group, Map<String, Set<String>> needs, Set<String> path, Set<String> done) {
        if (done.contains(group)) {
            return Optional.empty();
        }
        if (!path.add(group)) {
            return Optional.of("the needs of job " + group + " form a cycle");
        }
        for (String need : needs.getOrDefault(group, Set.of())) {
            Optional<String> cycle = cycleFrom(need, needs, path, done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.remove(group);
        done.add(group);
        return Optional.empty();
    }
}
