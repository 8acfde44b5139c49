package dev.forgeci.trigger.api;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.forgeci.access.Problem;
import dev.forgeci.access.ProblemException;
import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.infra.WebhookDeliveries;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.workflow.WorkflowInvalidException;
import io.quarkus.logging.Log;

/**
 * Every failure leaves as {@code application/problem+json}, never as a stack trace or an HTML page.
 * {@link #of(Throwable)} is also used by the webhook, which stores its first answer to replay it.
 * Application-scoped, so the configuration is read at the first request, not while REST is set up at build time.
 */
@ApplicationScoped
public class Problems {

    private final ForgeConfig config;

    public Problems(ForgeConfig config) {
        this.config = config;
    }

    /** The problem exception a failure amounts to. */
    public ProblemException of(Throwable failure) {
        if (failure instanceof ProblemException problem) {
            return problem;
        }
        if (failure instanceof WorkflowInvalidException invalid) {
            return new ProblemException(
                    ProblemType.WORKFLOW_INVALID,
                    invalid.errors().size() == 1
                            ? "the workflow has a problem: "
                                    + invalid.errors().get(0).message()
                            : "the workflows have " + invalid.errors().size() + " problems; see errors",
                    invalid.errors(),
                    Map.of());
        }
        if (failure instanceof TriggerRejected rejected) {
            return switch (rejected.reason()) {
                case INVALID_REQUEST ->
                    new ProblemException(
                            ProblemType.INVALID_REQUEST, rejected.getMessage(), rejected.errors(), Map.of());
                case SEED_NOT_ALLOWED -> new ProblemException(ProblemType.SEED_NOT_ALLOWED, rejected.getMessage());
                case NOT_FOUND -> new ProblemException(ProblemType.NOT_FOUND, rejected.getMessage());
                case SEED_UNREACHABLE -> new ProblemException(ProblemType.SEED_UNREACHABLE, rejected.getMessage());
                case SOURCE_TOO_LARGE -> new ProblemException(ProblemType.SOURCE_TOO_LARGE, rejected.getMessage());
                case NO_WORKFLOWS -> new ProblemException(ProblemType.NO_WORKFLOWS, rejected.getMessage());
                case KAFKA_UNAVAILABLE -> retryLater(ProblemType.KAFKA_UNAVAILABLE, rejected.getMessage());
                case STORE_UNAVAILABLE -> retryLater(ProblemType.STORE_UNAVAILABLE, rejected.getMessage());
            };
        }
        if (failure instanceof WebhookDeliveries.InProgress) {
            return new ProblemException(
                    ProblemType.DELIVERY_IN_PROGRESS,
                    "this delivery (X-Request-UUID) is still being processed; its answer will be replayed once it is done",
                    null,
                    Map.of("Retry-After", "5"));
        }
        if (failure instanceof JsonProcessingException json) {
            return new ProblemException(
                    ProblemType.MALFORMED_BODY,
                    "the body is not the JSON object this endpoint expects"
                            + (json.getLocation() == null
                                    ? ""
                                    : " (line " + json.getLocation().getLineNr() + ", column "
                                            + json.getLocation().getColumnNr() + ")"));
        }
        if (failure instanceof WebApplicationException web && web.getResponse().getStatus() == 404) {
            return new ProblemException(ProblemType.NOT_FOUND, "there is nothing at this path");
        }
        if (failure instanceof WebApplicationException web && web.getResponse().getStatus() == 400) {
            // Quarkus REST reports a body it could not read as JSON this way.
            return new ProblemException(ProblemType.MALFORMED_BODY, "the body is not the JSON this endpoint expects");
        }
        Log.errorf(failure, "unexpected failure");
        return new ProblemException(ProblemType.INTERNAL, "the server failed; the error is in its log");
    }

    /** A 503 that tells the client when to try again. */
    public ProblemException retryLater(ProblemType type, String detail) {
        return new ProblemException(
                type,
                detail,
                null,
                Map.of("Retry-After", String.valueOf(config.publish().retryAfterSeconds())));
    }

    /** Named types too, so the mappers Quarkus REST brings for them do not answer instead. */
    @ServerExceptionMapper({
        Throwable.class,
        WebApplicationException.class,
        JsonProcessingException.class,
        MismatchedInputException.class,
        JsonParseException.class
    })
    public Response map(Throwable failure, UriInfo uri) {
        if (failure instanceof WebApplicationException web
                && web.getResponse().getStatus() > 400
                && web.getResponse().getStatus() < 500
                && web.getResponse().getStatus() != 404) {
            // 405, 406, 415 …: keep the status JAX-RS chose, in problem form.
            return Problem.ofStatus(web.getResponse().getStatus(), web.getMessage(), uri.getPath())
                    .response();
        }
        return of(failure).response(uri.getPath());
    }
}
