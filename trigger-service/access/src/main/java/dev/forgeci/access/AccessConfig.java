package dev.forgeci.access;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code forge.auth}: the tokens each public service accepts. A token is named (the name is the
 * actor of what it starts) and stored only as the SHA-256 of its text:
 *
 * <pre>
 * forge.auth.tokens.ide.sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * forge.auth.tokens.ide.scopes=run
 * forge.auth.tokens.ide.repositories=rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5
 * </pre>
 */
@ConfigMapping(prefix = "forge.auth")
public interface AccessConfig {

    /** Lets requests without a token read (runs, logs) every repository; never write. Off unless the operator says so. */
    @WithDefault("false")
    boolean anonymousRead();

    /** The accepted tokens by name. None: only anonymous reads, if allowed. */
    Map<String, Token> tokens();

    interface Token {

        /** SHA-256 of the token's text, 64 hexadecimal digits ({@code printf %s "$token" | sha256sum}). */
        String sha256();

        /** What it may do; each scope includes the lesser ones (read &lt; run &lt; write &lt; admin). */
        Set<Scope> scopes();

        /** The repositories ({@code rad:…}) it may act on; {@code *}: all. */
        @WithDefault("*")
        Set<String> repositories();

        /**
         * The Radicle identity ({@code did:key:z6Mk…}) of whoever holds it, where the operator knows
         * it: approvals are recorded by it, as Radicle knows people by their keys, not their names.
         */
        Optional<String> did();
    }
}
