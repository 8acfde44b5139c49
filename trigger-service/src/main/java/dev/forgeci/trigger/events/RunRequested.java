package dev.forgeci.trigger.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.forgeci.trigger.workflow.Concurrency;
import dev.forgeci.trigger.workflow.Job;

/** {@code run-requested}: everything the scheduler needs to run one workflow, YAML already normalized. */
public record RunRequested(String runId, Instant requestedAt, Trigger trigger, Repository repository, String commit, String ref,
        String cloneUrl, Workflow workflow) {

    /**
     * What started the run. {@code kind} is push, patch or manual; {@code trusted} is false for a patch
     * or push by a non-delegate (its jobs then carry no secret names); {@code statusUrl},
     * {@code statusContext} and {@code nodeId} come from a webhook and are copied onto every run-event,
     * so commit statuses can be posted back.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Trigger(String kind, String actor, boolean trusted, String requestId, String rerunOf, String patchId,
            String statusUrl, String statusContext, String nodeId) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(String id, String name) {
    }

    /** {@code concurrency} is null when the workflow sets none. */
    public record Workflow(String name, String file, Concurrency concurrency, List<Job> jobs) {
    }
}
