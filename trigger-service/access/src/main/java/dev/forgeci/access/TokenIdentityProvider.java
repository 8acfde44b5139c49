package dev.forgeci.access;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/** Turns a presented bearer token into the identity of the configured token it matches: its name, scopes as roles. */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final Tokens tokens;

    public TokenIdentityProvider(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return tokens.caller(request.getToken().getToken())
                .map(TokenIdentityProvider::identity)
                .map(Uni.createFrom()::item)
                .orElseGet(() ->
                        Uni.createFrom().failure(new AuthenticationFailedException("not a token this server accepts")));
    }

    static SecurityIdentity identity(Caller caller) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(caller.name()))
                .addRoles(Scope.roles(caller.scopes()))
                .addAttribute(Caller.class.getName(), caller)
                .build();
    }

    /** The caller behind an identity this library made; empty for the anonymous identity. */
    public static java.util.Optional<Caller> caller(SecurityIdentity identity) {
        return java.util.Optional.ofNullable(
                identity == null ? null : identity.<Caller>getAttribute(Caller.class.getName()));
    }
}
