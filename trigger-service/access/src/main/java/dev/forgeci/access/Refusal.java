package dev.forgeci.access;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;

/**
 * What a refused request is told, the same in every service ({@link CommonProblemMappers} answers it):
 * 401 without a usable token, 403 for a token that may not do this. An anonymous reader refused a
 * write is told to bring a token (401), not that it is forbidden.
 */
public record Refusal(AccessProblem kind, String detail) {

    public static final String CHALLENGE = "Bearer realm=\"forge-ci\"";

    /** The refusal of a request, from the failure and the identity the request was authenticated as. */
    public static Refusal of(SecurityException failure, RoutingContext request) {
        return of(failure, request.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null);
    }

    static Refusal of(SecurityException failure, SecurityIdentity identity) {
        boolean token = TokenIdentityProvider.caller(identity)
                .filter(c -> !Caller.ANONYMOUS.equals(c.name()))
                .isPresent();
        if (failure instanceof ForbiddenException forbidden && token) {
            String why =
                    forbidden.getMessage() == null || forbidden.getMessage().isBlank()
                            ? "the token `" + identity.getPrincipal().getName() + "` lacks the scope this needs"
                            : forbidden.getMessage();
            return new Refusal(AccessProblem.FORBIDDEN, why + ".");
        }
        String detail = failure instanceof AuthenticationFailedException
                ? "The bearer token is not one this server accepts; send `Authorization: Bearer <token>` with one it does."
                : "This needs `Authorization: Bearer <token>` with a token this server accepts.";
        return new Refusal(AccessProblem.UNAUTHORIZED, detail);
    }

    public boolean challenges() {
        return kind == AccessProblem.UNAUTHORIZED;
    }
}
