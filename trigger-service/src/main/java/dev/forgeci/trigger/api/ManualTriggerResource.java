package dev.forgeci.trigger.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.forgeci.access.CurrentCaller;
import dev.forgeci.access.Scope;
import dev.forgeci.trigger.radicle.Identifiers;
import dev.forgeci.trigger.radicle.Seeds;
import dev.forgeci.trigger.run.FieldError;
import dev.forgeci.trigger.run.RunStarter;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.run.TriggerRequest;
import dev.forgeci.trigger.run.TriggerRequest.Kind;

/** The IDE's "Run": starts every workflow of a commit (manual runs ignore {@code on}), or the inline one. */
@Path("/api/triggers")
@Tag(name = "triggers")
public class ManualTriggerResource {

    private static final Pattern WORKFLOW_FILE = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9._/-]{0,199}");
    private static final String INLINE_FILE = "inline";

    private final RunStarter starter;
    private final Seeds seeds;
    private final CurrentCaller caller;

    public ManualTriggerResource(RunStarter starter, Seeds seeds, CurrentCaller caller) {
        this.starter = starter;
        this.seeds = seeds;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.RUN_ROLE)
    @Operation(
            operationId = "startManualRun",
            summary = "Start a manual run",
            description =
                    "Reads the workflows at the commit (or uses the inline one), validates them and records one run per "
                            + "workflow. Answers only after Kafka acknowledged every run.")
    @APIResponseSchema(
            value = TriggerResponse.class,
            responseCode = "202",
            responseDescription = "runs started; watch each on its WebSocket path")
    public Response trigger(ManualTrigger body) {
        return Response.accepted(TriggerResponse.of(starter.start(validated(body))))
                .build();
    }

    private TriggerRequest validated(ManualTrigger body) {
        if (body == null) {
            throw new TriggerRejected(
                    List.of(new FieldError("body", "send a JSON object with repository and commit or ref")));
        }
        List<FieldError> errors = new ArrayList<>();
        if (!Identifiers.isRepositoryId(body.repository())) {
            errors.add(new FieldError(
                    "repository", "must be a Radicle repository id (rad:z…), not `" + body.repository() + "`"));
        }
        String commit = body.commit() == null ? null : body.commit().toLowerCase(Locale.ROOT);
        if (commit != null && !Identifiers.isCommit(commit)) {
            errors.add(new FieldError(
                    "commit", "must be a commit id (40 hexadecimal digits), not `" + body.commit() + "`"));
        }
        String ref = body.ref();
        if (ref != null && !ref.startsWith("refs/")) {
            String branch = ref;
            Identifiers.branchProblem(branch)
                    .ifPresent(p ->
                            errors.add(new FieldError("ref", "`" + branch + "` is not a valid branch name: " + p)));
            ref = "refs/heads/" + ref;
        } else if (ref != null) {
            String full = ref;
            Identifiers.refProblem(full)
                    .ifPresent(p -> errors.add(new FieldError("ref", "`" + full + "` is not a valid ref: " + p)));
        }
        if (commit == null && ref == null) {
            errors.add(new FieldError("commit", "give a commit or a ref to run"));
        }
        if (body.workflow() != null && body.workflow().isBlank()) {
            errors.add(new FieldError("workflow", "is empty; leave it out to run the repository's workflows"));
        }
        if (body.workflowFile() != null
                && (!WORKFLOW_FILE.matcher(body.workflowFile()).matches()
                        || body.workflowFile().contains(".."))) {
            errors.add(new FieldError("workflowFile", "must be a relative path such as .forge/workflows/build.yaml"));
        }
        if (body.inputs() != null && body.inputs().size() > 100) {
            errors.add(new FieldError(
                    "inputs",
                    "at most 100 inputs may be given, not " + body.inputs().size()));
        }
        if (!errors.isEmpty()) {
            throw new TriggerRejected(errors);
        }
        // The actor is the token's name: a client cannot run in someone else's name.
        String actor = caller.require(Scope.RUN, body.repository()).name();
        String seed = body.seed() == null ? seeds.defaultUrl() : body.seed();
        seeds.refusal(seed).ifPresent(reason -> {
            throw new TriggerRejected(TriggerRejected.Reason.SEED_NOT_ALLOWED, "seed: " + reason);
        });
        TriggerRequest.InlineWorkflow inline = body.workflow() == null
                ? null
                : new TriggerRequest.InlineWorkflow(
                        body.workflowFile() == null ? INLINE_FILE : body.workflowFile(), body.workflow());
        String branch = ref != null && ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : null;
        String tag = ref != null && ref.startsWith("refs/tags/") ? ref.substring("refs/tags/".length()) : null;
        TriggerRequest.Event event = new TriggerRequest.Event(
                null,
                tag,
                null,
                null,
                null,
                null,
                null,
                body.inputs(),
                body.workflow() == null ? body.workflowFile() : null,
                null,
                null);
        return new TriggerRequest(
                Kind.MANUAL,
                actor,
                true,
                UUID.randomUUID().toString(),
                null,
                null,
                null,
                null,
                body.repository(),
                body.repository(),
                seeds.cloneUrl(seed, body.repository()),
                commit,
                ref,
                branch,
                inline,
                event);
    }
}
