package dev.forgeci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.testkit.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class CancelAndRerunTest extends SchedulerTestSupport {

    @Test
    void cancellingAQueuedRunCancelsItAtOnce() {
        String repository = RunRequests.newRepository();
        String blocker = submit(RunRequests.push(repository).job("deploy").concurrency("g", false));
        awaitDispatch(blocker, "deploy", 1);
        String queued = submit(RunRequests.push(repository)
                .job("build")
                .job("test", "success", "build")
                .concurrency("g", false));
        awaitRunStatus(queued, "queued");

        api().when()
                .post("/api/runs/" + queued + "/cancel")
                .then()
                .statusCode(202)
                .body("status", equalTo("cancelled"))
                .body("jobs.status", org.hamcrest.Matchers.contains("cancelled", "cancelled"));

        JsonNode cancelled = awaitRunStatus(queued, "cancelled");
        assertThat(cancelled.path("reason").asText()).isEqualTo("Cancelled on request.");
        assertThat(controller.dispatched(queued)).isEmpty();
        assertThat(controller.cancels(queued)).isEmpty();
        controller.runToEnd(blocker, "deploy", 1, "success");
        awaitRunStatus(blocker, "success");
    }

    @Test
    void cancellingARunningRunStopsItsJobsAndEndsWhenTheyHave() {
        controller.honourCancels(false);
        String runId = submit(RunRequests.push(RunRequests.newRepository())
                .job("build")
                .job("test", "success", "build")
                .job("cleanup", "always", "test"));
        awaitDispatch(runId, "build", 1);
        controller.start(runId, "build", 1);
        awaitRunStatus(runId, "running");

        api().when()
                .post("/api/runs/" + runId + "/cancel")
                .then()
                .statusCode(202)
                .body("status", equalTo("running"))
                .body("cancelRequested", equalTo(true));
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> controller.cancels(runId).size() == 1);
        JsonNode cancel = controller.cancels(runId).get(0);
        assertThat(cancel.path("jobId").asText()).isEqualTo("build");
        assertThat(cancel.path("attempt").asInt()).isEqualTo(1);
        assertThat(cancel.path("reason").asText()).isEqualTo("cancelled");
        // Cancelling again changes nothing.
        api().when().post("/api/runs/" + runId + "/cancel").then().statusCode(202);

        controller.finish(runId, "build", 1, "cancelled");
        // The clean-up job still runs, as always() promises; the run ends cancelled after it.
        awaitDispatch(runId, "cleanup", 1);
        controller.runToEnd(runId, "cleanup", 1, "success");
        JsonNode done = awaitRunStatus(runId, "cancelled");
        assertThat(done.path("jobs").findValuesAsText("status")).containsExactly("cancelled", "cancelled", "success");
        assertThat(controller.cancels(runId)).hasSize(1);
        assertThat(dispatchesOf(runId, "test", 1)).isEmpty();
    }

    @Test
    void cancellingAFinishedRunIsAConflictWithASentence() {
        String runId = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitDispatch(runId, "build", 1);
        controller.runToEnd(runId, "build", 1, "success");
        awaitRunStatus(runId, "success");

        api().when()
                .post("/api/runs/" + runId + "/cancel")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body(
                        "detail",
                        equalTo("Run " + runId + " already ended with status success; there is nothing to cancel."))
                .body("instance", equalTo("/api/runs/" + runId + "/cancel"));
    }

    @Test
    void rerunStartsANewRunOfTheSameCommitLinkedToTheFirst() {
        String runId = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitDispatch(runId, "build", 1);
        controller.runToEnd(runId, "build", 1, "failure");
        awaitRunStatus(runId, "failure");

        try (KafkaTestClient.Watcher requested = kafka.watch(Topics.RUN_REQUESTED)) {
            String rerunId = api().when()
                    .post("/api/runs/" + runId + "/rerun")
                    .then()
                    .statusCode(202)
                    .body("rerunOf", equalTo(runId))
                    .extract()
                    .path("runId");
            controller.register(rerunId);
            assertThat(rerunId).hasSize(26).isNotEqualTo(runId);

            JsonNode request = requested.awaitKey(rerunId, WAIT).json();
            assertThat(request.path("trigger").path("kind").asText()).isEqualTo("rerun");
            assertThat(request.path("trigger").path("rerunOf").asText()).isEqualTo(runId);
            assertThat(request.path("commit").asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
            assertThat(request.path("trigger").path("statusUrl").asText()).endsWith(runId);

            awaitDispatch(rerunId, "build", 1);
            controller.runToEnd(rerunId, "build", 1, "success");
            JsonNode done = awaitRunStatus(rerunId, "success");
            assertThat(done.path("rerunOf").asText()).isEqualTo(runId);
            api().when()
                    .get("/api/runs/" + rerunId)
                    .then()
                    .statusCode(200)
                    .body("rerunOf", equalTo(runId))
                    .body("trigger.kind", equalTo("rerun"));
        }
    }

    @Test
    void rerunOfAnActiveRunIsAConflict() {
        String runId = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitDispatch(runId, "build", 1);
        api().when()
                .post("/api/runs/" + runId + "/rerun")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("still queued"));
        controller.runToEnd(runId, "build", 1, "success");
        awaitRunStatus(runId, "success", Duration.ofSeconds(30));
    }
}
