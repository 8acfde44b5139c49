package dev.forgeci.trigger.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.forgeci.trigger.events.RunStatus;

/**
 * The state of the runs one ci-broker request started. {@code result} is set once {@code finished}:
 * success when every run succeeded, else failure.
 */
@Schema(description = "Whether the runs of a broker request are finished, and how they ended")
public record RunWaitResponse(
        String runId,
        boolean finished,

        @Schema(
                enumeration = {"success", "failure"},
                nullable = true)
        String result,

        List<RunState> runs) {

    /** {@code status} is null while no run-event was seen yet. */
    public record RunState(String runId, RunStatus status) {}
}
