package dev.forgeci.trigger.radicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeci.trigger.Fixtures;

class WebhookSecretsTest {

    @Test
    void theFixturesAreSignedOverTheirExactBytes() {
        WebhookSecrets secrets = TestConfig.secrets(Map.of("forge.webhook.secret", "forge-test-secret"));
        for (String event : List.of("push", "patch")) {
            byte[] body = Fixtures.bytes("webhook-" + event + ".json");
            Map<String, String> headers = Fixtures.headers("webhook-" + event + ".headers");
            assertThat(secrets.verify(headers.get("X-Hub-Signature-256"), body, "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5"))
                    .isTrue();
            assertThat(secrets.verify(headers.get("x-radicle-signature"), body, null))
                    .isTrue();
            assertThat(WebhookSecrets.sign("forge-test-secret", body)).isEqualTo(headers.get("X-Hub-Signature-256"));
            body[body.length - 2] ^= 1;
            assertThat(secrets.verify(headers.get("X-Hub-Signature-256"), body, null))
                    .isFalse();
        }
    }

    @Test
    void aRepositorysOwnSecretReplacesTheGlobalOne() {
        WebhookSecrets secrets = TestConfig.secrets(Map.of(
                "forge.webhook.secret",
                "global",
                "forge.webhook.repository-secrets",
                "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5=own"));
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(secrets.verify(WebhookSecrets.sign("own", body), body, "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5"))
                .isTrue();
        assertThat(secrets.verify(WebhookSecrets.sign("global", body), body, "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5"))
                .isFalse();
        assertThat(secrets.verify(WebhookSecrets.sign("global", body), body, "rad:zwTxygwuz5LDGBq255RA2CbNGrz8"))
                .isTrue();
        assertThat(secrets.verify(
                        "SHA256=" + WebhookSecrets.sign("global", body).substring(7), body, null))
                .isTrue();
        assertThat(secrets.verify(null, body, null)).isFalse();
        assertThat(secrets.verify("sha256=", body, null)).isFalse();
        assertThat(secrets.verify("sha256=not-hex", body, null)).isFalse();
    }

    @Test
    void withoutAnySecretNothingVerifiesAndBadEntriesAreRefusedAtStart() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(TestConfig.secrets(Map.of()).verify(WebhookSecrets.sign("anything", body), body, null))
                .isFalse();
        assertThatThrownBy(() -> TestConfig.secrets(Map.of("forge.webhook.repository-secrets", "z3gq=own")))
                .hasMessageContaining("entries look like rad:z…=secret");
    }
}
