package dev.forgeci.trigger.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.trigger.workflow.Concurrency;

/**
 * {@code run-requested}: everything the scheduler needs to run one workflow, YAML already
 * normalized. {@code context} holds the contexts the run starts with ({@code github}, {@code inputs},
 * {@code vars}, {@code forge}), which every later evaluation reads; each job is a normalized job,
 * or a template the scheduler instantiates (it has {@code deferred}).
 */
public record RunRequested(
        String runId,
        Instant requestedAt,
        Trigger trigger,
        Repository repository,
        String commit,
        String ref,
        String cloneUrl,
        ObjectNode context,
        Workflow workflow) {

    /**
     * What started the run. {@code kind} is push, patch, manual or schedule; {@code trusted} is false
     * for a patch or push by a non-delegate (its jobs then carry no secret names); {@code statusUrl},
     * {@code statusContext} and {@code nodeId} come from a webhook and are copied onto every run-event,
     * so commit statuses can be posted back; {@code infoUrl} is the viewer link they carry (the run's
     * page, or the commit's when the event started several runs); {@code awaitsApproval}: an
     * untrusted run that waits, status {@code waiting}, until someone who may write the repository
     * approves it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Trigger(
            String kind,
            String actor,
            boolean trusted,
            boolean awaitsApproval,
            String requestId,
            String rerunOf,
            String patchId,
            String statusUrl,
            String statusContext,
            String nodeId,
            String infoUrl) {}

    public RunRequested withInfoUrl(String url) {
        Trigger t = trigger;
        return new RunRequested(
                runId,
                requestedAt,
                new Trigger(
                        t.kind(),
                        t.actor(),
                        t.trusted(),
                        t.awaitsApproval(),
                        t.requestId(),
                        t.rerunOf(),
                        t.patchId(),
                        t.statusUrl(),
                        t.statusContext(),
                        t.nodeId(),
                        url),
                repository,
                commit,
                ref,
                cloneUrl,
                context,
                workflow);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(String id, String name) {}

    /** {@code concurrency} is null when the workflow sets none; {@code runName} when it has no {@code run-name}. */
    public record Workflow(String name, String file, String runName, Concurrency concurrency, List<ObjectNode> jobs) {}
}
