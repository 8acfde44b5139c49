package dev.forgeci.logs.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.forgeci.access.Refusal;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.RoutingContext;

/** Every error leaves as application/problem+json, never as a stack trace or an HTML page. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type(Problem.MEDIA_TYPE)
                .entity(e.toProblem(uri.getPath()));
        return response.build();
    }

    /** No token, an unknown one (401 with a challenge) or one that may not read this (403), named so Quarkus's own mappers do not answer. */
    @ServerExceptionMapper({ UnauthorizedException.class, ForbiddenException.class, AuthenticationFailedException.class })
    public Response refused(SecurityException e, RoutingContext request, UriInfo uri) {
        Refusal refusal = Refusal.of(e, request);
        Response.ResponseBuilder response = Response.status(refusal.status()).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(refusal.slug(), refusal.title(), refusal.status(), refusal.detail(), uri.getPath()));
        if (refusal.challenges()) {
            response.header("WWW-Authenticate", Refusal.CHALLENGE);
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return Response.status(status.getStatusCode())
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of("http-" + status.getStatusCode(), status.getReasonPhrase(), status.getStatusCode(),
                        e.getMessage(), uri.getPath()))
                .build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        Log.errorf(e, "%s failed", uri.getPath());
        return Response.status(500)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of("internal", "Internal Server Error", 500, "The log-gateway could not answer; see its log.",
                        uri.getPath()))
                .build();
    }
}
