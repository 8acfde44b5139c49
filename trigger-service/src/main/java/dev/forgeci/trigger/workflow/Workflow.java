package dev.forgeci.trigger.workflow;

import java.util.List;
import java.util.Map;

/**
 * A parsed, validated workflow with every default filled in. Only the concurrency group still holds
 * {@code forge.*} expressions, because they depend on the event that starts the run.
 */
public record Workflow(String name, String file, Triggers on, String concurrencyGroup, boolean cancelInProgress,
        List<Job> jobs) {

    /** The concurrency of a run of this workflow for that repository and ref, or null when it has none. */
    public Concurrency concurrencyFor(String repository, String ref) {
        if (concurrencyGroup == null) {
            return null;
        }
        String group = Expressions.resolveGroup(concurrencyGroup, Map.of(
                "forge.repository", repository, "forge.ref", ref == null ? "" : ref, "forge.workflow", name));
        return new Concurrency(group, cancelInProgress);
    }

    /** The jobs as an untrusted trigger may run them: no secret names at all. */
    public List<Job> jobsWithoutSecrets() {
        return jobs.stream().map(Job::withoutSecrets).toList();
    }
}
