package dev.forgeci.access;

import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.RoutingContext;

/**
 * The mappers every public service shares: a {@link ProblemException} as its problem, a refused
 * request as 401 with a challenge or 403. Each service maps its own exceptions beside these.
 */
public class CommonProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException failure, UriInfo uri) {
        return failure.response(uri.getPath());
    }

    /** The types are named so the mappers Quarkus brings for them do not answer instead. */
    @ServerExceptionMapper({UnauthorizedException.class, ForbiddenException.class, AuthenticationFailedException.class})
    public Response refused(SecurityException failure, RoutingContext request, UriInfo uri) {
        Refusal refusal = Refusal.of(failure, request);
        return new ProblemException(
                        refusal.kind(),
                        refusal.detail(),
                        null,
                        refusal.challenges() ? Map.of(HttpHeaders.WWW_AUTHENTICATE, Refusal.CHALLENGE) : Map.of())
                .response(uri.getPath());
    }
}
