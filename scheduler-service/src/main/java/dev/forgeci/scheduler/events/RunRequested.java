package dev.forgeci.scheduler.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A run accepted by trigger-service (or a re-run asked of the scheduler). The trigger, the contexts
 * and the jobs are kept as JSON because they are copied through unchanged: the trigger into every
 * run event, the contexts (github, inputs, vars, forge) and each job into its job-dispatched.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunRequested(
        String runId,
        Instant requestedAt,
        ObjectNode trigger,
        Repository repository,
        String commit,
        String ref,
        String cloneUrl,
        ObjectNode context,
        Workflow workflow) {

    /** What makes the record a run request at all; anything less cannot be read (and goes to dead-letters). */
    public RunRequested {
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("run-requested without a runId");
        }
        if (repository == null || repository.id() == null || repository.id().isBlank()) {
            throw new IllegalArgumentException("run-requested " + runId + " without repository.id");
        }
        if (workflow == null) {
            throw new IllegalArgumentException("run-requested " + runId + " without a workflow");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(String id, String name) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Workflow(String name, String file, String runName, Concurrency concurrency, List<JsonNode> jobs) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Concurrency(String group, Boolean cancelInProgress) {}
}
