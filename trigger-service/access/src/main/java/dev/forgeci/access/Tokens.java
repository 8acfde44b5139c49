package dev.forgeci.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

/**
 * The configured tokens, checked at start-up (a wrong digest or repository id stops the service
 * with the property that is wrong). A presented token is digested and compared with every
 * configured digest in constant time, so neither which one nor how close leaks through timing.
 */
@ApplicationScoped
@Startup
public class Tokens {

    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern REPOSITORY = Pattern.compile("rad:z[0-9A-Za-z]{1,100}|\\*");
    /** A Radicle node's identity: did:key: and a base58btc multibase key. */
    private static final Pattern DID = Pattern.compile("did:key:z[1-9A-HJ-NP-Za-km-z]{40,60}");

    private final List<Known> known;
    private final boolean anonymousRead;

    public Tokens(AccessConfig config) {
        this.known = known(config.tokens());
        this.anonymousRead = config.anonymousRead();
    }

    /** The caller a presented token stands for; empty when no configured token matches. */
    public Optional<Caller> caller(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(presented);
        Caller match = null;
        for (Known token : known) {
            if (MessageDigest.isEqual(token.digest(), digest)) {
                match = token.caller();
            }
        }
        return Optional.ofNullable(match);
    }

    /** The caller of a request without a token: the anonymous reader where the operator allows one. */
    public Optional<Caller> withoutToken() {
        return anonymousRead ? Optional.of(Caller.anonymousReader()) : Optional.empty();
    }

    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static List<Known> known(Map<String, AccessConfig.Token> tokens) {
        List<Known> known = new ArrayList<>();
        tokens.forEach((name, token) -> {
            String property = "forge.auth.tokens." + name;
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        property + ": a token's name is 1 to 64 letters, digits, '.', '_' or '-'");
            }
            String digest = token.sha256().strip().toLowerCase(java.util.Locale.ROOT);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException(
                        property + ".sha256 must be the token's SHA-256 as 64 hexadecimal digits");
            }
            if (token.scopes().isEmpty()) {
                throw new IllegalArgumentException(
                        property + ".scopes must name at least one of read, run, write, admin");
            }
            token.repositories().stream()
                    .filter(r -> !REPOSITORY.matcher(r).matches())
                    .findFirst()
                    .ifPresent(r -> {
                        throw new IllegalArgumentException(
                                property + ".repositories: `" + r + "` is neither a repository id (rad:z…) nor *");
                    });
            token.did().filter(did -> !DID.matcher(did).matches()).ifPresent(did -> {
                throw new IllegalArgumentException(property + ".did must be a Radicle identity (did:key:z6Mk…)");
            });
            known.add(new Known(
                    HexFormat.of().parseHex(digest),
                    new Caller(name, token.scopes(), token.repositories(), token.did())));
        });
        return List.copyOf(known);
    }

    private record Known(byte[] digest, Caller caller) {}
}
