package dev.forgeci.trigger.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.forgeci.trigger.run.Outcome;

/**
 * What a trigger started: one run per matching workflow and where to watch it (the WebSocket of
 * each, the viewer page of all), the workflows whose
 * {@code on} did not match, and — when nothing started — why. {@code runId} (the ci-broker endpoint
 * only) is the id the adapter reports and waits on: the first run, standing for all of them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "The runs a trigger started")
public record TriggerResponse(
        String runId,
        String commit,
        List<Outcome.StartedRun> runs,

        @Schema(description = "the viewer's page of the run, or of the commit's runs when several started")
        String infoUrl,

        List<Outcome.SkippedWorkflow> skipped,

        @Schema(description = "why nothing started, when nothing did")
        String ignored) {

    public static TriggerResponse of(Outcome outcome) {
        return new TriggerResponse(
                null,
                outcome.commit(),
                outcome.runs(),
                outcome.infoUrl(),
                outcome.skipped().isEmpty() ? null : outcome.skipped(),
                outcome.started() ? null : outcome.reason());
    }

    public static TriggerResponse ignored(String reason) {
        return new TriggerResponse(null, null, List.of(), null, null, reason);
    }

    public TriggerResponse withRunId(String leader) {
        return new TriggerResponse(leader, commit, runs, infoUrl, skipped, ignored);
    }
}
