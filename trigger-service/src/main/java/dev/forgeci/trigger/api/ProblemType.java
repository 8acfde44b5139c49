package dev.forgeci.trigger.api;

/** The kinds of problem this service answers with; {@code type} is {@code urn:forge-ci:problem:<slug>}. */
public enum ProblemType {

    MALFORMED_BODY(400, "malformed-body", "Malformed request body"),
    UNAUTHORIZED(401, "unauthorized", "Authentication required"),
    INVALID_SIGNATURE(401, "invalid-signature", "Invalid webhook signature"),
    FORBIDDEN(403, "forbidden", "Forbidden"),
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

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String uri() {
        return "urn:forge-ci:problem:" + slug;
    }

    public String title() {
        return title;
    }
}
