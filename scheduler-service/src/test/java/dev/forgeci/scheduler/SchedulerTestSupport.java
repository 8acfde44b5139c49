package dev.forgeci.scheduler;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.testkit.KafkaTestClient;
import io.restassured.specification.RequestSpecification;

/**
 * What the scheduler's @QuarkusTests share: the real broker, a watcher on run-events from "now",
 * and a fake runner-controller for the runs each test submits.
 */
abstract class SchedulerTestSupport {

    static final String TOKEN = "test-token";
    static final String SCOPED_REPOSITORY = "rad:zSchedTestScopedRepository1";
    /** The Radicle identity the test profile gives the holder of the `scoped` token. */
    static final String SCOPED_DID = "did:key:z6MkrLMMkR4bUc1DR7dmsBqDHUhYm3mWPPJ5ZhYj4X2Bm1Lj";

    static final Duration WAIT = Duration.ofSeconds(30);

    static KafkaTestClient kafka;

    KafkaTestClient.Watcher runEvents;
    FakeController controller;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @BeforeEach
    void watch() {
        String group =
                ConfigProvider.getConfig().getValue("mp.messaging.connector.smallrye-kafka.group.id", String.class);
        kafka.awaitAssigned(group, WAIT, Topics.RUN_REQUESTED, Topics.JOB_EVENTS, Topics.CONTROLLER_HEARTBEATS);
        runEvents = kafka.watch(Topics.RUN_EVENTS);
        controller = new FakeController();
    }

    /**
     * Ends every run the test left active, so it holds no slot in the next test of the same
     * application: cancel them, and let the controller confirm.
     */
    @AfterEach
    void endLeftoverRunsAndStopWatching() {
        controller.honourCancels(true);
        Set<String> runs = controller.registered();
        runs.forEach(runId -> api().when().post("/api/runs/" + runId + "/cancel"));
        controller
                .holding()
                .forEach(held -> controller.finish(held.runId(), held.jobId(), held.attempt(), "cancelled"));
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> runEvents
                        .matching(seen -> seen.json() != null
                                && TERMINAL.contains(seen.json().path("status").asText()))
                        .stream()
                        .map(KafkaTestClient.Seen::key)
                        .collect(java.util.stream.Collectors.toSet())
                        .containsAll(runs));
        controller.close();
        runEvents.close();
    }

    private static final Set<String> TERMINAL = Set.of("success", "failure", "cancelled", "error");

    String submit(RunRequests run) {
        controller.register(run.runId());
        kafka.sendJson(Topics.RUN_REQUESTED, run.runId(), run.json());
        return run.runId();
    }

    JsonNode awaitRunStatus(String runId, String status) {
        return awaitRunStatus(runId, status, WAIT);
    }

    JsonNode awaitRunStatus(String runId, String status, Duration timeout) {
        return runEvents
                .awaitOne(
                        seen -> runId.equals(seen.key())
                                && seen.json() != null
                                && status.equals(seen.json().path("status").asText()),
                        timeout)
                .json();
    }

    /** The statuses of a run's events in the order of their seq. */
    List<String> runStatuses(String runId) {
        return runEvents.matching(seen -> runId.equals(seen.key())).stream()
                .map(KafkaTestClient.Seen::json)
                .sorted((a, b) ->
                        Long.compare(a.path("seq").asLong(), b.path("seq").asLong()))
                .map(event -> event.path("status").asText())
                .toList();
    }

    JsonNode awaitDispatch(String runId, String jobId, int attempt) {
        return awaitDispatches(runId, jobId, attempt, 1).get(0);
    }

    List<JsonNode> awaitDispatches(String runId, String jobId, int attempt, int count) {
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> dispatchesOf(runId, jobId, attempt).size() >= count);
        return dispatchesOf(runId, jobId, attempt);
    }

    List<JsonNode> dispatchesOf(String runId, String jobId, int attempt) {
        return controller.dispatched(runId).stream()
                .filter(d -> d.path("jobId").asText().equals(jobId)
                        && d.path("attempt").asInt() == attempt)
                .toList();
    }

    static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }

    /** The test profile's token that may only read. */
    static RequestSpecification reader() {
        return given().header("Authorization", "Bearer second-token");
    }

    /** The test profile's token that may write in {@link #SCOPED_REPOSITORY} alone. */
    static RequestSpecification scoped() {
        return given().header("Authorization", "Bearer scoped-token");
    }
}
