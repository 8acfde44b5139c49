package dev.forgeci.controller.job;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forgeci.controller.config.ControllerConfig;
import io.quarkus.logging.Log;

/**
 * Tells the scheduler's job-dispatched records from forged ones: the scheduler signs each with a
 * key only it and the controllers hold (header {@value #HEADER}: {@code v1=<hex HMAC-SHA256 of
 * "<record key>\n<record value>">}), so a record produced by anyone else who can write the topic —
 * a leaked credential, a misconfigured ACL — runs nothing, and gets no secrets.
 */
@ApplicationScoped
public class DispatchVerifier {

    public static final String HEADER = "forge-signature";
    private static final int MIN_KEY_LENGTH = 32;

    private final Optional<SecretKeySpec> key;

    @Inject
    public DispatchVerifier(ControllerConfig config) {
        this(config.dispatch().key());
    }

    DispatchVerifier(Optional<String> key) {
        key.filter(k -> k.length() < MIN_KEY_LENGTH).ifPresent(k -> {
            throw new IllegalArgumentException("forge.dispatch.key must be at least " + MIN_KEY_LENGTH + " characters");
        });
        if (key.isEmpty()) {
            Log.warn(
                    "forge.dispatch.key is not set: job-dispatched records are run without checking that the scheduler sent them");
        }
        this.key = key.map(k -> new SecretKeySpec(k.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    /** Throws unless the record carries the scheduler's signature (or no key is configured). */
    public void check(String recordKey, String value, byte[] signature) {
        if (key.isEmpty()) {
            return;
        }
        if (signature == null) {
            throw new ForgedDispatchException(
                    "job-dispatched for " + recordKey + " is not signed by the scheduler; refused");
        }
        byte[] expected =
                ("v1=" + HexFormat.of().formatHex(mac(recordKey + "\n" + value))).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, signature)) {
            throw new ForgedDispatchException(
                    "job-dispatched for " + recordKey + " has a signature the scheduler did not make; refused");
        }
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key.orElseThrow());
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A record that did not come from the scheduler; it goes to dead-letters, where an operator can see it. */
    public static final class ForgedDispatchException extends IllegalArgumentException {
        ForgedDispatchException(String message) {
            super(message);
        }
    }
}
