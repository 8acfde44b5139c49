package dev.forgeci.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** The {@code forge.auth.tokens.*} properties that make a service started by a test accept one token. */
public final class TestTokens {

    /** The name the services give the token; it is the actor of what it starts. */
    public static final String OPERATOR = "operator";

    private TestTokens() {}

    /** {@code config} plus an admin token {@code token} for every repository, named {@link #OPERATOR}. */
    public static Map<String, String> withOperator(String token, Map<String, String> config) {
        Map<String, String> all = new HashMap<>(config);
        all.put("forge.auth.tokens." + OPERATOR + ".sha256", sha256(token));
        all.put("forge.auth.tokens." + OPERATOR + ".scopes", "admin");
        return all;
    }

    public static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
