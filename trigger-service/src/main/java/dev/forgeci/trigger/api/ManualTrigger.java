package dev.forgeci.trigger.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/triggers}: only {@code repository} and one of {@code commit}/{@code ref} are required.
 * Who asked is the token's name, never a field of the body.
 */
@Schema(description = "A manual run, as the IDE sends it")
public record ManualTrigger(
        @Schema(required = true, example = "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5")
        String repository,

        @Schema(description = "40 hexadecimal digits; resolved from ref when absent")
        String commit,

        @Schema(description = "refs/heads/main, or a branch name", example = "refs/heads/main")
        String ref,

        @Schema(
                description = "inline workflow text (the IDE's unsaved buffer); without it the repository's "
                        + ".forge/workflows/*.yaml are read")
        String workflow,

        @Schema(
                description =
                        "with `workflow`: the path the inline text stands for, shown in errors; without it: the one "
                                + "workflow of the repository to run",
                example = ".github/workflows/ci.yml")
        String workflowFile,

        @Schema(description = "the workflow_dispatch inputs, by name (strings, booleans or numbers)")
        ObjectNode inputs,

        @Schema(description = "the seed to read from; must be on the allowlist", example = "https://seed.example.org")
        String seed) {}
