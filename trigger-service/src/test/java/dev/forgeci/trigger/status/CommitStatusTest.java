package dev.forgeci.trigger.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.StatusReceiver;
import dev.forgeci.testkit.StatusReceiver.Received;
import dev.forgeci.trigger.Fixtures;
import dev.forgeci.trigger.TestEnvironment;
import dev.forgeci.trigger.TestKafka;
import dev.forgeci.trigger.run.Ulid;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** run-events in (as the scheduler writes them), commit statuses out to a receiver that checks their signature. */
@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
class CommitStatusTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String COMMIT = "765823c686caa89db0b76c19595189ac1fde4e8e";
    static final String NODE = "z6MkrLMMsiPWUcNPHcRajuMi9mDfYckSoJyPwwnknocNYPm7";

    static final KafkaTestClient.Watcher deadLetters = TestKafka.deadLetters();

    StatusReceiver receiver;

    @BeforeEach
    void serviceListens() {
        TestKafka.awaitServiceListening();
    }

    @Test
    void runningThenSuccessArePostedSignedInTheFixturesShape() {
        String runId = Ulid.next();
        String url = receiver.url() + "/api/commit-status";
        publish(event(runId, 1, "queued", url));
        publish(event(runId, 2, "running", url));
        publish(event(runId, 3, "success", url));

        List<Received> posted = awaitStates(runId, "running", "success");
        ObjectNode fixture = Fixtures.json("commit-status.json");
        for (Received status : posted) {
            assertThat(status.signature()).matches("sha256=[0-9a-f]{64}");
            List<String> fields = new ArrayList<>();
            status.body().fieldNames().forEachRemaining(fields::add);
            List<String> fixtureFields = new ArrayList<>();
            fixture.fieldNames().forEachRemaining(fixtureFields::add);
            assertThat(fields).containsExactlyElementsOf(fixtureFields);
            assertThat(status.body().path("node_id").asText()).isEqualTo(NODE);
            assertThat(status.body().path("sha").asText()).isEqualTo(COMMIT);
            assertThat(status.body().path("context").asText()).isEqualTo("forge-ci/test");
            assertThat(status.body().path("target_url").asText()).isEqualTo("http://127.0.0.1:8080/#/runs/" + runId);
        }
    }

    @Test
    void aStatusLinksToThePageTheTriggerNamedAndARerunToItsOwnRun() {
        String runId = Ulid.next();
        String page = "http://127.0.0.1:8080/#/commits/"
                + Ulid.next(); // the last segment is what the receiver files it under
        String url = receiver.url() + "/api/commit-status";
        ObjectNode running = event(runId, 1, "running", url);
        ((ObjectNode) running.path("trigger")).put("infoUrl", page);
        publish(running);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(receiver.acceptedFor(page.substring(page.lastIndexOf('/') + 1)))
                        .extracting(status -> status.body().path("target_url").asText())
                        .containsExactly(page));

        String rerun = Ulid.next();
        ObjectNode again = event(rerun, 1, "running", url);
        ((ObjectNode) again.path("trigger")).put("infoUrl", page).put("rerunOf", runId);
        publish(again);
        assertThat(awaitStates(rerun, "running")
                        .get(0)
                        .body()
                        .path("target_url")
                        .asText())
                .isEqualTo("http://127.0.0.1:8080/#/runs/" + rerun);
    }

    @Test
    void cancelledAndErrorAreReportedAsFailure() {
        String cancelled = Ulid.next();
        String failed = Ulid.next();
        String url = receiver.url() + "/api/commit-status";
        publish(event(cancelled, 1, "running", url));
        publish(event(cancelled, 2, "cancelled", url));
        publish(event(failed, 1, "error", url));

        awaitStates(cancelled, "running", "failure");
        awaitStates(failed, "failure");
    }

    @Test
    void aRedeliveredRunEventPostsNothingTwice() {
        String runId = Ulid.next();
        String url = receiver.url() + "/api/commit-status";
        ObjectNode running = event(runId, 1, "running", url);
        ObjectNode success = event(runId, 2, "success", url);
        publish(running);
        publish(running);
        publish(success);
        publish(success);
        publish(event(runId, 3, "failure", receiver.url() + "/api/commit-status")); // a later seq is a new event

        awaitStates(runId, "running", "success", "failure");
    }

    @Test
    void aFailingReceiverIsRetriedWithoutReorderingTheRunsStatuses() {
        String runId = Ulid.next();
        String url = receiver.url() + "/api/commit-status/" + runId;
        receiver.failNext("/api/commit-status/" + runId, 3);
        publish(event(runId, 1, "running", url));
        publish(event(runId, 2, "success", url));

        awaitStates(runId, "running", "success");
    }

    @Test
    void runsWithoutAStatusUrlOrWithOneOffTheAllowlistPostNothing() {
        String runId = Ulid.next();
        ObjectNode withoutUrl = event(runId, 1, "running", null);
        ObjectNode elsewhere = event(runId, 2, "running", "http://127.0.0.1:9/steal");
        publish(withoutUrl);
        publish(elsewhere);
        publish(event(runId, 3, "success", receiver.url() + "/api/commit-status"));

        // Same key, same partition: once seq 3 is posted, seq 1 and 2 were consumed before it.
        awaitStates(runId, "success");
    }

    @Test
    void anUndecodableRunEventGoesToDeadLettersAndTheConsumerCarriesOn() {
        String key = Ulid.next();
        TestKafka.client().send("run-events", key, "{this is not json");
        KafkaTestClient.Seen dead = deadLetters.awaitKey(key, Duration.ofSeconds(30));
        assertThat(dead.value()).isEqualTo("{this is not json");

        String runId = Ulid.next();
        publish(event(runId, 1, "running", receiver.url() + "/api/commit-status"));
        awaitStates(runId, "running");
    }

    // ----------------------------------------------------------------------------------------------

    /** A run-event as scheduler-service writes it (trigger copied from run-requested), plus a field from the future. */
    static ObjectNode event(String runId, long seq, String status, String statusUrl) {
        ObjectNode event = JSON.createObjectNode();
        event.put("runId", runId)
                .put("seq", seq)
                .put("status", status)
                .putNull("reason")
                .put("at", Instant.now().toString());
        event.putObject("repository")
                .put("id", "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5")
                .put("name", "heartwood");
        event.put("commit", COMMIT).put("ref", "refs/heads/master").put("workflow", "Build and Test");
        ObjectNode trigger = event.putObject("trigger");
        trigger.put("kind", "push")
                .put("actor", "cloudhead")
                .put("trusted", true)
                .put("requestId", "r-" + runId)
                .putNull("rerunOf")
                .putNull("patchId")
                .put("statusUrl", statusUrl)
                .put("statusContext", "forge-ci/test")
                .put("nodeId", NODE);
        event.putNull("rerunOf").put("queuedAt", Instant.now().toString());
        event.putArray("jobs");
        event.put("aFieldFromTheFuture", "ignored by a tolerant reader");
        return event;
    }

    static void publish(ObjectNode event) {
        TestKafka.client().sendJson("run-events", event.path("runId").asText(), event);
    }

    /** Waits until exactly these states were accepted for the run, in this order, and returns them. */
    private List<Received> awaitStates(String runId, String... states) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(receiver.acceptedFor(runId))
                        .extracting(Received::state)
                        .containsExactly(states));
        return receiver.acceptedFor(runId);
    }
}
