package dev.forgeci.trigger.api;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.forgeci.access.Scope;
import dev.forgeci.trigger.radicle.Identifiers;
import dev.forgeci.trigger.run.FieldError;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.run.WorkflowLinter;

/** {@code POST /api/workflows/lint}: the IDE's check of a workflow as the user types it. Starts nothing. */
@Path("/api/workflows/lint")
@Tag(name = "workflows")
public class WorkflowLintResource {

    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9._/-]{0,199}");
    private static final Set<String> EVENTS = Set.of("push", "pull_request", "workflow_dispatch", "schedule");

    private final WorkflowLinter linter;

    public WorkflowLintResource(WorkflowLinter linter) {
        this.linter = linter;
    }

    /** The workflow's text and where it would live; {@code repository}, {@code ref} and {@code event} shape the sample run. */
    @Schema(description = "A workflow to check")
    public record LintRequest(
            @Schema(required = true, description = "the workflow's YAML text")
            String workflow,

            @Schema(
                    description = "its path, which decides Forge's or GitHub's defaults",
                    example = ".github/workflows/ci.yml")
            String file,

            @Schema(example = "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5")
            String repository,

            @Schema(example = "refs/heads/main") String ref,

            @Schema(description = "push, pull_request, workflow_dispatch or schedule")
            String event) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(
            operationId = "lintWorkflow",
            summary = "Validate a workflow without running it",
            description =
                    "Compiles the workflow as a run would (expressions, contexts, matrices, runs-on labels) and answers every "
                            + "error and warning with file, line and column, and the jobs it makes after matrix expansion.")
    @APIResponse(
            responseCode = "200",
            description = "the verdict; `valid` false when there are errors",
            content = @Content(schema = @Schema(implementation = WorkflowLinter.Lint.class)))
    public WorkflowLinter.Lint lint(LintRequest body) {
        if (body == null || body.workflow() == null) {
            throw new TriggerRejected(List.of(new FieldError("workflow", "send the workflow's text to check")));
        }
        String file = body.file() == null ? ".github/workflows/workflow.yml" : body.file();
        if (!FILE.matcher(file).matches() || file.contains("..")) {
            throw new TriggerRejected(
                    List.of(new FieldError("file", "must be a relative path such as .github/workflows/ci.yml")));
        }
        if (body.repository() != null && !Identifiers.isRepositoryId(body.repository())) {
            throw new TriggerRejected(
                    List.of(new FieldError("repository", "must be a Radicle repository id (rad:z…)")));
        }
        if (body.ref() != null
                && Identifiers.refProblem(body.ref().startsWith("refs/") ? body.ref() : "refs/heads/" + body.ref())
                        .isPresent()) {
            throw new TriggerRejected(List.of(new FieldError("ref", "is not a valid ref")));
        }
        if (body.event() != null && !EVENTS.contains(body.event())) {
            throw new TriggerRejected(List.of(new FieldError(
                    "event",
                    "must be one of "
                            + String.join(", ", EVENTS.stream().sorted().toList()))));
        }
        return linter.lint(file, body.workflow(), body.repository(), body.ref(), body.event());
    }
}
