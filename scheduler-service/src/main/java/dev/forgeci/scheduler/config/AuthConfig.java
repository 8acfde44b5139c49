package dev.forgeci.scheduler.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "forge.auth")
public interface AuthConfig {

    /** Bearer tokens allowed to write (FORGE_AUTH_TOKENS, comma-separated). None: every write is refused. */
    Optional<List<String>> tokens();

    /** Whether reads may go without a token. */
    @WithDefault("false")
    boolean anonymousRead();
}
