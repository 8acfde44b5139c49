package dev.forgeci.logs.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.forgeci.access.Problem;
import dev.forgeci.access.ProblemException;
import io.quarkus.logging.Log;

/**
 * Every error leaves as application/problem+json, never as a stack trace or an HTML page;
 * {@code ProblemException} and refusals are mapped by forge-access.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        return Problem.ofStatus(e.getResponse().getStatus(), e.getMessage(), uri.getPath())
                .response();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        Log.errorf(e, "%s failed", uri.getPath());
        return new ProblemException(ProblemType.INTERNAL, "The log-gateway could not answer; see its log.")
                .response(uri.getPath());
    }
}
