package dev.forgeci.access;

import java.util.Optional;
import java.util.Set;

/**
 * Who made a request: a configured token's name with its scopes and repositories, or the
 * anonymous reader the operator allowed; {@code did} is the holder's Radicle identity where configured.
 */
public record Caller(String name, Set<Scope> scopes, Set<String> repositories, Optional<String> did) {

    public static final String ALL_REPOSITORIES = "*";
    /** The name of requests without a token where anonymous reads are allowed. */
    public static final String ANONYMOUS = "anonymous";

    public Caller {
        scopes = Set.copyOf(scopes);
        repositories = Set.copyOf(repositories);
    }

    static Caller anonymousReader() {
        return new Caller(ANONYMOUS, Set.of(Scope.READ), Set.of(ALL_REPOSITORIES), Optional.empty());
    }

    public boolean seesEveryRepository() {
        return repositories.contains(ALL_REPOSITORIES);
    }

    /** Whether this caller may do what {@code needed} allows in {@code repository}. */
    public boolean may(Scope needed, String repository) {
        return scopes.stream().anyMatch(s -> s.includes(needed))
                && (seesEveryRepository() || repository != null && repositories.contains(repository));
    }

    /** Throws {@link io.quarkus.security.ForbiddenException} unless this caller {@link #may} do it. */
    public void require(Scope needed, String repository) {
        if (!may(needed, repository)) {
            throw new io.quarkus.security.ForbiddenException("the token `" + name + "` may not " + needed.role()
                    + (repository == null ? " here" : " in " + repository));
        }
    }
}
