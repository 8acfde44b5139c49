package dev.forgeci.logs.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.logs.config.AuthConfig;

/** Who may read logs: a token from {@code forge.auth.tokens}, or anyone when anonymous reads are allowed. */
@ApplicationScoped
public class AccessTokens {

    private final List<byte[]> tokens;
    private final boolean anonymousRead;

    public AccessTokens(AuthConfig config) {
        this.tokens = config.tokens().orElse(List.of()).stream()
                .map(String::strip)
                .filter(t -> !t.isEmpty())
                .map(t -> t.getBytes(StandardCharsets.UTF_8))
                .toList();
        this.anonymousRead = config.anonymousRead();
    }

    /** Why {@code token} may not read, or null when it may. */
    public String refusal(String token) {
        if (anonymousRead) {
            return null;
        }
        if (token == null || token.isEmpty()) {
            return "missing access token";
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] candidate : tokens) {
            // Every candidate is compared, in constant time, so timing tells nothing about which matched.
            known |= MessageDigest.isEqual(candidate, given);
        }
        return known ? null : "invalid access token";
    }
}
