package dev.forgeci.trigger.infra;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.config.ForgeConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * Webhook de-duplication, in Redis so every replica sees it: a delivery is known by the SHA-256 of
 * its event type and its signed body (a redelivery's {@code X-Request-UUID} is the same, but it is not signed: a
 * captured delivery resent under a new id must not start runs again). The first delivery claims
 * the digest, its answer is stored, and a redelivery gets that answer back.
 */
@ApplicationScoped
public class WebhookDeliveries {

    private static final String PREFIX = "forge:trigger:webhook:";
    /** Longer than the slowest first delivery may take (reading workflows, then Kafka's acknowledgement). */
    private static final Duration CLAIM = Duration.ofSeconds(90);

    private static final Answer PENDING = new Answer(0, null, null);

    private final ValueCommands<String, Answer> answers;
    private final ForgeConfig config;

    public WebhookDeliveries(RedisDataSource redis, ForgeConfig config) {
        this.answers = redis.value(Answer.class);
        this.config = config;
    }

    /** The answer given to a delivery: status, content type and body, replayed byte for byte. */
    public record Answer(int status, String contentType, String body) {
        boolean pending() {
            return status == 0;
        }
    }

    /** Thrown while the first delivery of an id is still being processed. */
    public static class InProgress extends RuntimeException {
        public InProgress() {
            super(null, null, false, false);
        }
    }

    /** The key a delivery is known by: the hex SHA-256 of its event type and its body. */
    public static String digest(String eventType, byte[] body) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update((eventType == null ? "" : eventType).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            return java.util.HexFormat.of().formatHex(sha.digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Empty when this is the id's first delivery (go on, then {@link #remember} or {@link #forget}); else the stored answer. */
    public Optional<Answer> claim(String requestId) {
        if (answers.setAndChanged(
                PREFIX + requestId, PENDING, new SetArgs().nx().ex(CLAIM))) {
            return Optional.empty();
        }
        Answer stored = answers.get(PREFIX + requestId);
        if (stored == null) {
            return claim(requestId); // the claim expired between the two calls
        }
        if (stored.pending()) {
            throw new InProgress();
        }
        return Optional.of(stored);
    }

    public void remember(String requestId, Answer answer) {
        answers.set(
                PREFIX + requestId, answer, new SetArgs().ex(config.webhook().dedupRetention()));
    }

    /** Drops the claim, so a redelivery is processed afresh (after a transient failure). */
    public void forget(String requestId) {
        answers.getdel(PREFIX + requestId);
    }
}
