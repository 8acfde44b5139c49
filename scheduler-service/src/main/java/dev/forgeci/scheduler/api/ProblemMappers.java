package dev.forgeci.scheduler.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.forgeci.access.Refusal;
import dev.forgeci.scheduler.infra.StoreUnavailableException;
import dev.forgeci.scheduler.runs.RunConflictException;
import dev.forgeci.scheduler.runs.RunNotFoundException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.RoutingContext;

/** Every error of the API as application/problem+json. */
public class ProblemMappers {

    @ServerExceptionMapper
    public RestResponse<Problem> problem(ProblemException e, UriInfo uri) {
        return answer(e.problem(uri.getPath()));
    }

    /** No token, an unknown one (401 with a challenge) or one that may not do this (403). */
    @ServerExceptionMapper({ UnauthorizedException.class, ForbiddenException.class, AuthenticationFailedException.class })
    public RestResponse<Problem> refused(SecurityException e, RoutingContext request, UriInfo uri) {
        Refusal refusal = Refusal.of(e, request);
        RestResponse.ResponseBuilder<Problem> response = RestResponse.ResponseBuilder.<Problem> create(refusal.status())
                .entity(Problem.of(refusal.status(), refusal.slug(), refusal.title(), refusal.detail(), uri.getPath()))
                .type(Problem.MEDIA_TYPE);
        if (refusal.challenges()) {
            response.header(jakarta.ws.rs.core.HttpHeaders.WWW_AUTHENTICATE, Refusal.CHALLENGE);
        }
        return response.build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> notFound(RunNotFoundException e, UriInfo uri) {
        return answer(Problem.of(404, "run-not-found", "Run not found", e.getMessage(), uri.getPath()));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> conflict(RunConflictException e, UriInfo uri) {
        return answer(Problem.of(409, "run-conflict", "The run is not in a state for this", e.getMessage(), uri.getPath()));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unavailable(StoreUnavailableException e, UriInfo uri) {
        Log.warnf("%s: %s", uri.getPath(), e.getMessage());
        return answer(Problem.of(503, "unavailable", "Service unavailable", "The run store (Redis) cannot be reached; try again shortly.",
                uri.getPath()));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> web(WebApplicationException e, UriInfo uri) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        String detail = status.getStatusCode() == 404 ? "There is nothing at " + uri.getPath() + "."
                : status.getStatusCode() == 405 ? "This method is not allowed on " + uri.getPath() + "."
                : e.getMessage();
        return answer(Problem.of(status.getStatusCode(), status.getReasonPhrase().toLowerCase().replace(' ', '-'),
                status.getReasonPhrase(), detail, uri.getPath()));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(RuntimeException e, UriInfo uri) {
        Log.errorf(e, "%s failed", uri.getPath());
        return answer(Problem.of(500, "internal", "Internal error",
                "The scheduler could not answer; the cause is in its log.", uri.getPath()));
    }

    static RestResponse<Problem> answer(Problem problem) {
        return RestResponse.ResponseBuilder.<Problem> create(problem.status()).entity(problem).type(Problem.MEDIA_TYPE).build();
    }
}
