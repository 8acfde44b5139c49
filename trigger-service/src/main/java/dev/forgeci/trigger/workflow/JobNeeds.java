package dev.forgeci.trigger.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import dev.forgeci.trigger.workflow.YamlSource.Entry;

/**
 * The job graph's lint stage of {@link WorkflowCompiler}: each job's {@code needs} is read as the job
 * is, and once every job is known, an unknown id, a job that needs itself and a cycle are reported
 * where the offending entry is written.
 */
final class JobNeeds {

    /** A {@code needs} entry, kept with its node so an unknown id or a cycle is reported where it is written. */
    private record Need(String job, String needed, Node node) {}

    private final YamlSource yaml;
    private final Diagnostics diagnostics;
    private final List<Need> written = new ArrayList<>();

    JobNeeds(YamlSource yaml, Diagnostics diagnostics) {
        this.yaml = yaml;
        this.diagnostics = diagnostics;
    }
    // ------------------------------------------------------------------------------------------

    /** A job's {@code needs}: one id or a list of them, each kept with its node for {@link #check}. */
    List<String> read(Entry entry, String jobId) {
        if (entry == null) {
            return List.of();
        }
        List<String> needed = new ArrayList<>();
        List<Node> nodes =
                entry.value() instanceof SequenceNode sequence ? sequence.getValue() : List.of(entry.value());
        for (Node node : nodes) {
            yaml.visit(node);
            if (node instanceof ScalarNode scalar && !YamlSource.isNull(scalar)) {
                if (!needed.contains(scalar.getValue())) {
                    needed.add(scalar.getValue());
                    written.add(new Need(jobId, scalar.getValue(), scalar));
                }
            } else {
                diagnostics.error(
                        node,
                        "`needs` of job `" + jobId + "` must name jobs (a job id or a list of them), not "
                                + YamlSource.describe(node));
            }
        }
        return needed;
    }

    /** Unknown ids and cycles, each reported where the offending {@code needs} entry is written. */
    void check(List<JobTemplate> jobs) {
        Map<String, JobTemplate> byId = new LinkedHashMap<>();
        jobs.forEach(j -> byId.put(j.id(), j));
        for (Need need : written) {
            if (need.job().equals(need.needed())) {
                diagnostics.error(need.node(), "job `" + need.job() + "` needs itself");
            } else if (!byId.containsKey(need.needed())) {
                diagnostics.error(
                        need.node(),
                        "job `" + need.job() + "` needs `" + YamlSource.abbreviate(need.needed())
                                + "`, which is not a job of this workflow"
                                + YamlSource.suggestion(need.needed(), byId.keySet())
                                        .map(s -> " (did you mean `" + s + "`?)")
                                        .orElse(""));
            }
        }
        Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        for (String id : byId.keySet()) {
            findCycle(id, byId, state, new ArrayDeque<>());
        }
    }

    private void findCycle(String id, Map<String, JobTemplate> byId, Map<String, Integer> state, Deque<String> path) {
        if (state.getOrDefault(id, 0) == 2) {
            return;
        }
        state.put(id, 1);
        path.addLast(id);
        for (String next : byId.get(id).needs()) {
            if (next.equals(id) || !byId.containsKey(next)) {
                continue;
            }
            if (state.getOrDefault(next, 0) == 1) {
                List<String> cycle = new ArrayList<>(path);
                cycle = cycle.subList(cycle.indexOf(next), cycle.size());
                cycle.add(next);
                Node at = written.stream()
                        .filter(n -> n.job().equals(id) && n.needed().equals(next))
                        .findFirst()
                        .orElseThrow()
                        .node();
                diagnostics.error(
                        at,
                        "jobs form a cycle through `needs`: "
                                + String.join(
                                        " → ",
                                        cycle.stream().map(j -> "`" + j + "`").toList())
                                + "; no job of it could ever start");
            } else {
                findCycle(next, byId, state, path);
            }
        }
        path.removeLast();
        state.put(id, 2);
    }
}
