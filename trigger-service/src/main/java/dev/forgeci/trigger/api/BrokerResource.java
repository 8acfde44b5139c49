package dev.forgeci.trigger.api;

import java.time.Duration;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.forgeci.access.CurrentCaller;
import dev.forgeci.access.Scope;
import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.infra.RunStatusStore;
import dev.forgeci.trigger.radicle.Admission;
import dev.forgeci.trigger.radicle.Payloads;
import dev.forgeci.trigger.radicle.RadicleTriggers;
import dev.forgeci.trigger.run.FieldError;
import dev.forgeci.trigger.run.Outcome;
import dev.forgeci.trigger.run.RunStarter;
import dev.forgeci.trigger.run.RunWatch;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.run.TriggerRequest;
import dev.forgeci.trigger.run.Ulid;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * What {@code deploy/radicle/forge-broker-adapter} talks to: it forwards radicle-ci-broker's request
 * line here, reports the run id, then waits on the runs with long polls until they finished.
 */
@Path("/api/hooks/radicle-broker")
@Tag(name = "ci-broker")
public class BrokerResource {

    private final RadicleTriggers triggers;
    private final RunStarter starter;
    private final RunStatusStore store;
    private final RunWatch watch;
    private final ForgeConfig config;
    private final CurrentCaller caller;

    public BrokerResource(
            RadicleTriggers triggers,
            RunStarter starter,
            RunStatusStore store,
            RunWatch watch,
            ForgeConfig config,
            CurrentCaller caller) {
        this.caller = caller;
        this.triggers = triggers;
        this.starter = starter;
        this.store = store;
        this.watch = watch;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.RUN_ROLE)
    @Operation(
            operationId = "startBrokerRun",
            summary = "Start the runs of a radicle-ci-broker request",
            description =
                    "The body is the broker's request line (adapter protocol v1), unchanged. `runId` in the answer is the "
                            + "run the adapter reports to the broker and waits on; it stands for all runs the request started.")
    @APIResponseSchema(value = TriggerResponse.class, responseCode = "202", responseDescription = "runs started")
    @APIResponse(
            responseCode = "200",
            description = "nothing to run (the reason is in `ignored`)",
            content = @Content(schema = @Schema(implementation = TriggerResponse.class)))
    public Response trigger(Payloads.BrokerRequest body) {
        if (body == null) {
            throw new TriggerRejected(List.of(new FieldError("body", "send radicle-ci-broker's request line")));
        }
        Admission admission = triggers.fromBroker(body);
        if (admission instanceof Admission.Ignore ignore) {
            return Response.ok(TriggerResponse.ignored(ignore.reason())).build();
        }
        TriggerRequest request = ((Admission.Admit) admission).request();
        caller.require(Scope.RUN, request.repositoryId());
        Outcome outcome = starter.start(request);
        if (!outcome.started()) {
            return Response.ok(TriggerResponse.of(outcome)).build();
        }
        List<String> runIds =
                outcome.runs().stream().map(Outcome.StartedRun::runId).toList();
        try {
            store.group(runIds);
        } catch (RuntimeException e) {
            Log.warnf(
                    "run %s: could not record its sibling runs %s; the adapter will wait for this run only: %s",
                    runIds.get(0), runIds, e.getMessage());
        }
        return Response.accepted(TriggerResponse.of(outcome).withRunId(runIds.get(0)))
                .build();
    }

    @GET
    @Path("/runs/{runId}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(
            operationId = "awaitBrokerRun",
            summary = "Wait until the runs of a broker request finished",
            description =
                    "A long poll: answers as soon as every run of the group reached a terminal status, or after `wait` "
                            + "seconds (at most forge.broker.max-wait) with `finished: false`; the adapter then asks again.")
    @APIResponse(
            responseCode = "200",
            description = "the runs' state",
            content = @Content(schema = @Schema(implementation = RunWaitResponse.class)))
    public Uni<RunWaitResponse> await(
            @Parameter(description = "the runId the trigger answered with") @PathParam("runId") String runId,
            @Parameter(description = "seconds to wait at most") @QueryParam("wait") @DefaultValue("30")
                    int waitSeconds) {
        if (!Ulid.isValid(runId)) {
            throw new TriggerRejected(
                    List.of(new FieldError("runId", "must be a run id (a 26-character ULID), not `" + runId + "`")));
        }
        Duration wait = Duration.ofSeconds(Math.max(0, waitSeconds));
        if (wait.compareTo(config.broker().maxWait()) > 0) {
            wait = config.broker().maxWait();
        }
        return watch.await(runId, wait)
                .map(state -> new RunWaitResponse(
                        runId,
                        state.finished(),
                        state.finished() ? state.result() : null,
                        state.runIds().stream()
                                .map(id -> new RunWaitResponse.RunState(
                                        id, state.statuses().get(id)))
                                .toList()));
    }
}
