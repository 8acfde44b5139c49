package dev.forgeci.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.KafkaTestClient;

/**
 * A job-dispatched the scheduler did not sign — produced by anything else that can write the topic,
 * such as a job that reached Kafka, or a leaked credential — is refused by the real controller and
 * runs nothing, however trusted it says it is.
 */
class ForgedDispatchProcessTest {

    @Test
    void aDispatchWithoutTheSchedulersSignatureGoesToDeadLettersAndRunsNothing() {
        ForgeStack forge = ForgeStack.get();
        String unsigned = forgedRunId();
        String badlySigned = forgedRunId();
        try (KafkaTestClient kafka = new KafkaTestClient(forge.kafka.bootstrap());
                KafkaTestClient.Watcher seen = kafka.watch("dead-letters", "job-events")) {
            kafka.send("job-dispatched", unsigned, dispatch(unsigned), Map.of());
            kafka.send(
                    "job-dispatched",
                    badlySigned,
                    dispatch(badlySigned),
                    Map.of("forge-signature", "v1=" + "0".repeat(64)));

            KafkaTestClient.Seen refused = seen.awaitOne(
                    s -> s.topic().equals("dead-letters") && unsigned.equals(s.key()), Duration.ofSeconds(60));
            KafkaTestClient.Seen forged = seen.awaitOne(
                    s -> s.topic().equals("dead-letters") && badlySigned.equals(s.key()), Duration.ofSeconds(60));

            assertThat(refused.headers().get("dead-letter-reason")).contains("is not signed by the scheduler; refused");
            assertThat(forged.headers().get("dead-letter-reason"))
                    .contains("has a signature the scheduler did not make; refused");
            assertThat(seen.matching(s -> s.topic().equals("job-events")
                            && s.json() != null
                            && (unsigned.equals(s.json().path("runId").asText())
                                    || badlySigned.equals(s.json().path("runId").asText()))))
                    .as("no job of a forged dispatch started")
                    .isEmpty();
        }
    }

    /** A run id of the scheduler's shape (26 Crockford base32 characters) that no run has. */
    private static String forgedRunId() {
        return ("01JZF0RGED" + UUID.randomUUID().toString().replace("-", "").toUpperCase())
                .replaceAll("[ILOU]", "X")
                .substring(0, 26);
    }

    /** What a job that reached Kafka would send: a trusted job of someone else's repository, asking for its secrets. */
    private static String dispatch(String runId) {
        return """
                {"runId":"%s","jobId":"build","attempt":1,"dispatchedAt":"2026-12-03T10:00:00Z",
                 "repository":{"id":"rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5","name":"heartwood"},
                 "commit":"0123456789abcdef0123456789abcdef01234567","ref":"refs/heads/main",
                 "cloneUrl":"http://127.0.0.1:1/z3gqcJUoA1n9HaHKufZs5FCSGazv5.git","trusted":true,"workflow":"steal",
                 "context":{},"job":{"id":"build","name":"build","secrets":["DEPLOY_TOKEN"],
                 "steps":[{"index":0,"name":"steal","run":"echo $DEPLOY_TOKEN"}]}}""".formatted(runId);
    }
}
