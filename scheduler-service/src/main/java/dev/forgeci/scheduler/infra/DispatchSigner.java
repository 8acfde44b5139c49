package dev.forgeci.scheduler.infra;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forgeci.scheduler.config.DispatchConfig;

/**
 * Signs job-dispatched records, so a controller can tell the scheduler's dispatches from a record
 * anyone with write access to the topic produced: header {@value #HEADER} =
 * {@code v1=<hex HMAC-SHA256 of "<record key>\n<record value>">}.
 */
@ApplicationScoped
public class DispatchSigner {

    public static final String HEADER = "forge-signature";
    static final int MIN_KEY_LENGTH = 32;

    private final Optional<SecretKeySpec> key;

    @Inject
    public DispatchSigner(DispatchConfig config) {
        this(config.key());
    }

    DispatchSigner(Optional<String> key) {
        key.filter(k -> k.length() < MIN_KEY_LENGTH).ifPresent(k -> {
            throw new IllegalArgumentException("forge.dispatch.key must be at least " + MIN_KEY_LENGTH + " characters");
        });
        this.key = key.map(k -> new SecretKeySpec(k.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    /** The header value for a record, or empty when no key is configured. */
    public Optional<String> sign(String recordKey, String value) {
        return key.map(k -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(k);
                return "v1="
                        + HexFormat.of()
                                .formatHex(mac.doFinal((recordKey + "\n" + value).getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        });
    }
}
