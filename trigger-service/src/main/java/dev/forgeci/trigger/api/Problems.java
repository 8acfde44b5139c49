package dev.forgeci.trigger.api;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.forgeci.access.Refusal;
import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.infra.WebhookDeliveries;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.workflow.WorkflowInvalidException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.RoutingContext;

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
            return new ProblemException(ProblemType.WORKFLOW_INVALID, invalid.errors().size() == 1
                    ? "the workflow has a problem: " + invalid.errors().get(0).message()
                    : "the workflows have " + invalid.errors().size() + " problems; see errors",
                    invalid.errors(), Map.of());
        }
        if (failure instanceof TriggerRejected rejected) {
            return switch (rejected.reason()) {
                case INVALID_REQUEST -> new ProblemException(ProblemType.INVALID_REQUEST, rejected.getMessage(), rejected.errors(), Map.of());
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
            return new ProblemException(ProblemType.DELIVERY_IN_PROGRESS,
                    "this delivery (X-Request-UUID) is still being processed; its answer will be replayed once it is done",
                    null, Map.of("Retry-After", "5"));
        }
        if (failure instanceof JsonProcessingException json) {
            return new ProblemException(ProblemType.MALFORMED_BODY, "the body is not the JSON object this endpoint expects"
                    + (json.getLocation() == null ? "" : " (line " + json.getLocation().getLineNr() + ", column "
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
        return new ProblemException(type, detail, null, Map.of("Retry-After", String.valueOf(config.publish().retryAfterSeconds())));
    }

    public static Problem body(ProblemException problem, String instance) {
        return new Problem(problem.type().uri(), problem.type().title(), problem.type().status(), problem.getMessage(), instance,
                problem.errors());
    }

    public static Response response(ProblemException problem, String instance) {
        Response.ResponseBuilder response = Response.status(problem.type().status())
                .type(Problem.MEDIA_TYPE)
                .entity(body(problem, instance));
        problem.headers().forEach(response::header);
        return response.build();
    }

    /** No token, an unknown one (401 with a challenge) or one that may not do this (403), named so Quarkus's own mappers do not answer. */
    @ServerExceptionMapper({ UnauthorizedException.class, ForbiddenException.class, AuthenticationFailedException.class })
    public Response refused(SecurityException failure, RoutingContext request, UriInfo uri) {
        Refusal refusal = Refusal.of(failure, request);
        return response(new ProblemException(refusal.status() == 403 ? ProblemType.FORBIDDEN : ProblemType.UNAUTHORIZED,
                refusal.detail(), null, refusal.challenges() ? Map.of(HttpHeaders.WWW_AUTHENTICATE, Refusal.CHALLENGE) : Map.of()),
                uri.getPath());
    }

    /** Named types too, so the mappers Quarkus REST brings for them do not answer instead. */
    @ServerExceptionMapper({ Throwable.class, WebApplicationException.class, JsonProcessingException.class,
            MismatchedInputException.class, JsonParseException.class })
    public Response map(Throwable failure, UriInfo uri) {
        if (failure instanceof WebApplicationException web && web.getResponse().getStatus() > 400
                && web.getResponse().getStatus() < 500 && web.getResponse().getStatus() != 404) {
            // 405, 406, 415 …: keep the status JAX-RS chose, in problem form.
            int status = web.getResponse().getStatus();
            return Response.status(status).type(Problem.MEDIA_TYPE)
                    .entity(new Problem("about:blank", Response.Status.fromStatusCode(status) == null ? "Client error"
                            : Response.Status.fromStatusCode(status).getReasonPhrase(), status, web.getMessage(), uri.getPath(), null))
                    .build();
        }
        return response(of(failure), uri.getPath());
    }
}
