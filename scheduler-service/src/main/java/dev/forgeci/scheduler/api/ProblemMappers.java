package dev.forgeci.scheduler.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.forgeci.access.Problem;
import dev.forgeci.access.ProblemException;
import dev.forgeci.scheduler.infra.StoreUnavailableException;
import dev.forgeci.scheduler.runs.RunConflictException;
import dev.forgeci.scheduler.runs.RunNotFoundException;
import io.quarkus.logging.Log;

/** Every error of the API as application/problem+json, one mapper per exception; {@code ProblemException} and refusals are mapped by forge-access. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response notFound(RunNotFoundException e, UriInfo uri) {
        return new ProblemException(ProblemType.RUN_NOT_FOUND, e.getMessage()).response(uri.getPath());
    }

    @ServerExceptionMapper
    public Response conflict(RunConflictException e, UriInfo uri) {
        return new ProblemException(ProblemType.RUN_CONFLICT, e.getMessage()).response(uri.getPath());
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e, UriInfo uri) {
        Log.warnf("%s: %s", uri.getPath(), e.getMessage());
        return new ProblemException(
                        ProblemType.UNAVAILABLE, "The run store (Redis) cannot be reached; try again shortly.")
                .response(uri.getPath());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String detail = status == 404
                ? "There is nothing at " + uri.getPath() + "."
                : status == 405 ? "This method is not allowed on " + uri.getPath() + "." : e.getMessage();
        return Problem.ofStatus(status, detail, uri.getPath()).response();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        Log.errorf(e, "%s failed", uri.getPath());
        return new ProblemException(ProblemType.INTERNAL, "The scheduler could not answer; the cause is in its log.")
                .response(uri.getPath());
    }
}
