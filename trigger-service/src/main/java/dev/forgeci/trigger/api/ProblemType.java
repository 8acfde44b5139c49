package dev.forgeci.trigger.api;

import dev.forgeci.access.ProblemKind;

/** The kinds of problem this service answers with, besides the refusals of {@link dev.forgeci.access.AccessProblem}. */
public enum ProblemType implements ProblemKind {
    MALFORMED_BODY(400, "malformed-body", "Malformed request body"),
    INVALID_SIGNATURE(401, "invalid-signature", "Invalid webhook signature"),
    SEED_NOT_ALLOWED(403, "seed-not-allowed", "Seed not allowed"),
    NOT_FOUND(404, "not-found", "Not found"),
    DELIVERY_IN_PROGRESS(409, "delivery-in-progress", "Delivery in progress"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "Payload too large"),
    INVALID_REQUEST(422, "invalid-request", "Invalid request"),
    WORKFLOW_INVALID(422, "workflow-invalid", "Invalid workflow"),
    NO_WORKFLOWS(422, "no-workflows", "No workflow to run"),
    SOURCE_TOO_LARGE(422, "source-too-large", "Repository too large to read"),
    SEED_UNREACHABLE(502, "seed-unreachable", "Seed unreachable"),
    KAFKA_UNAVAILABLE(503, "kafka-unavailable", "Runs cannot be recorded right now"),
    STORE_UNAVAILABLE(503, "store-unavailable", "Temporarily unavailable"),
    INTERNAL(500, "internal", "Internal error");

    private final ProblemKind.Definition definition;

    ProblemType(int status, String slug, String title) {
        this.definition = new ProblemKind.Definition(status, slug, title);
    }

    @Override
    public ProblemKind.Definition definition() {
        return definition;
    }
}
