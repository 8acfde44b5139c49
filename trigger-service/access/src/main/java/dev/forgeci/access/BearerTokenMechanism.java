package dev.forgeci.access;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code Authorization: Bearer <token>}, never a query parameter, so a token does not end up in
 * links, histories and proxies' logs (the log-gateway's WebSocket, where browsers cannot set
 * headers, looks its {@code access_token} up in {@link Tokens} itself). Without a token the
 * request is the anonymous reader where the operator allows one, else anonymous.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    static final String TYPE = "bearer";
    private static final String PREFIX = "Bearer ";

    private final Tokens tokens;

    public BearerTokenMechanism(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String token = presented(context);
        if (token == null) {
            return Uni.createFrom()
                    .item(tokens.withoutToken()
                            .map(TokenIdentityProvider::identity)
                            .orElse(null));
        }
        return identities.authenticate(new TokenAuthenticationRequest(new TokenCredential(token, TYPE)));
    }

    /** The token a request carries, or null. */
    private static String presented(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaderNames.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return header.substring(PREFIX.length()).strip();
        }
        return null;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom()
                .item(new ChallengeData(
                        HttpResponseStatus.UNAUTHORIZED.code(), HttpHeaderNames.WWW_AUTHENTICATE, Refusal.CHALLENGE));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }
}
