package dev.forgeci.access;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/** The caller of the current request, for the repository checks that roles alone cannot make. */
@RequestScoped
public class CurrentCaller {

    private final SecurityIdentity identity;

    public CurrentCaller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The caller; an anonymous request is refused with 401. */
    public Caller get() {
        return TokenIdentityProvider.caller(identity).orElseThrow(() -> new UnauthorizedException("no token"));
    }

    /** The caller, once it may do what {@code needed} allows in {@code repository}; else 401 or 403. */
    public Caller require(Scope needed, String repository) {
        Caller caller = get();
        caller.require(needed, repository);
        return caller;
    }
}
