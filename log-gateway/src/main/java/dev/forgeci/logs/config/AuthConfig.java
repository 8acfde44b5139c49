package dev.forgeci.logs.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Who may read logs. */
@ConfigMapping(prefix = "forge.auth")
public interface AuthConfig {

    /** Bearer tokens that may read logs (env FORGE_AUTH_TOKENS, comma-separated). */
    Optional<List<String>> tokens();

    /** Lets anyone read logs without a token; off unless the operator says so. */
    @WithDefault("false")
    boolean anonymousRead();
}
