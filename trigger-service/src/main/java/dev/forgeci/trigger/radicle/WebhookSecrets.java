package dev.forgeci.trigger.radicle;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.config.ForgeConfig;

/**
 * The HMAC-SHA256 secrets shared with Radicle: a repository's own secret when one is configured,
 * else the global one. The same secret verifies that repository's webhooks and signs the commit
 * statuses posted back for it ({@code sha256=<hex>}).
 */
@ApplicationScoped
public class WebhookSecrets {

    private static final String PREFIX = "sha256=";

    private final Optional<String> global;
    private final Map<String, String> perRepository = new LinkedHashMap<>();

    public WebhookSecrets(ForgeConfig config) {
        this.global = config.webhook().secret().filter(s -> !s.isBlank());
        for (String entry : config.webhook().repositorySecrets().orElse(List.of())) {
            int eq = entry.indexOf('=');
            String rid = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (!Identifiers.isRepositoryId(rid) || eq == entry.length() - 1) {
                throw new IllegalArgumentException("forge.webhook.repository-secrets: entries look like rad:z…=secret");
            }
            perRepository.put(rid, entry.substring(eq + 1));
        }
    }

    /** The secret for that repository ({@code rid} may be null when the body named none). */
    public Optional<String> secretFor(String rid) {
        String own = rid == null ? null : perRepository.get(rid);
        return own != null ? Optional.of(own) : global;
    }

    /** Whether {@code header} ({@code sha256=<hex>}) is the HMAC of exactly these bytes, compared in constant time. */
    public boolean verify(String header, byte[] body, String rid) {
        Optional<String> secret = secretFor(rid);
        if (header == null || secret.isEmpty() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] presented;
        try {
            presented =
                    HexFormat.of().parseHex(header.substring(PREFIX.length()).strip());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return MessageDigest.isEqual(presented, hmac(secret.get(), body));
    }

    /** The signature header value for a body sent with this secret. */
    public static String sign(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
