package dev.forgeci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Dispatch bound 2 s, heartbeat timeout 3 s, grace 1 s: no run stays active forever. */
@QuarkusTest
@TestProfile(ShortWatchdogs.class)
class WatchdogTest extends SchedulerTestSupport {

    @Test
    void aJobNeverStartedIsDispatchedOnceMoreThenEndsError() {
        String runId = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitDispatch(runId, "build", 1);

        awaitDispatch(runId, "build", 2);
        Awaitility.await().atMost(WAIT).until(() -> !controller.cancels(runId).isEmpty());
        JsonNode cancel = controller.cancels(runId).get(0);
        assertThat(cancel.path("attempt").asInt()).isEqualTo(1);
        assertThat(cancel.path("reason").asText()).isEqualTo("redispatched");

        JsonNode error = awaitRunStatus(runId, "error");
        assertThat(error.path("reason").asText())
                .isEqualTo("Job build: Runner lost: no runner started the job, dispatched 2 times.");
        JsonNode job = error.path("jobs").get(0);
        assertThat(job.path("attempt").asInt()).isEqualTo(2);
        assertThat(job.path("status").asText()).isEqualTo("error");
        assertThat(job.path("logChunks").isNull()).isTrue();
        assertThat(controller.dispatched(runId)).hasSize(2);
    }

    @Test
    void anUntrustedJobNoRunnerStartedEndsErrorNamingTheMissingUntrustedPool() {
        String runId =
                submit(RunRequests.push(RunRequests.newRepository()).untrusted().job("build"));
        awaitDispatch(runId, "build", 2);

        JsonNode error = awaitRunStatus(runId, "error");
        assertThat(error.path("reason").asText())
                .isEqualTo("Job build: Runner lost: no runner of the untrusted pool started the job, "
                        + "dispatched 2 times; is a runner-controller with forge.controller.pool=untrusted running?");
        assertThat(controller.dispatched(runId)).hasSize(2);
    }

    @Test
    void aRedispatchedJobThatStartsRunsToTheEnd() {
        String runId = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitDispatch(runId, "build", 2);
        // The first attempt's controller wakes up late: its events are no longer the job's.
        controller.runToEnd(runId, "build", 1, "failure");
        controller.runToEnd(runId, "build", 2, "success");

        awaitRunStatus(runId, "success");
        api().when()
                .get("/api/runs/" + runId)
                .then()
                .statusCode(200)
                .body("jobs[0].attempt", equalTo(2))
                .body("jobs[0].status", equalTo("success"));
    }

    @Test
    void aStartedJobWhoseHeartbeatsStopEndsErrorRunnerLost() {
        String runId = submit(
                RunRequests.push(RunRequests.newRepository()).job("build").job("after", "success", "build"));
        awaitDispatch(runId, "build", 1);
        controller.start(runId, "build", 1);
        awaitRunStatus(runId, "running");

        JsonNode error = awaitRunStatus(runId, "error");
        assertThat(error.path("reason").asText()).startsWith("Job build: Runner lost: controller " + controller.id());
        // The cancel and the run's end go out on different topics: either may be read first.
        Awaitility.await().atMost(WAIT).until(() -> !controller.cancels(runId).isEmpty());
        assertThat(controller.cancels(runId))
                .singleElement()
                .satisfies(cancel -> assertThat(cancel.path("reason").asText()).isEqualTo("cancelled"));
        api().when()
                .get("/api/runs/" + runId)
                .then()
                .statusCode(200)
                .body("jobs[0].status", equalTo("error"))
                .body("jobs[1].status", equalTo("skipped"))
                .body("jobs[0].reason", startsWith("Runner lost"));
    }

    @Test
    void heartbeatsKeepARunningJobAlive() {
        controller.heartbeatEvery(Duration.ofMillis(500));
        String runId = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitDispatch(runId, "build", 1);
        controller.start(runId, "build", 1);
        awaitRunStatus(runId, "running");

        Awaitility.await()
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(8))
                .until(() -> runStatuses(runId).equals(java.util.List.of("queued", "running")));
        controller.finish(runId, "build", 1, "success");
        awaitRunStatus(runId, "success");
    }

    @Test
    void aJobOutlivingItsTimeoutPlusGraceEndsErrorEvenWhileHeartbeatsGoOn() {
        controller.heartbeatEvery(Duration.ofMillis(500));
        String runId = submit(
                RunRequests.push(RunRequests.newRepository()).job("build").timeoutMinutes("build", 0.05));
        awaitDispatch(runId, "build", 1);
        controller.start(runId, "build", 1);

        JsonNode error = awaitRunStatus(runId, "error");
        assertThat(error.path("reason").asText()).contains("Timed out").contains("0.05 minutes");
        Awaitility.await().atMost(WAIT).until(() -> !controller.cancels(runId).isEmpty());
        assertThat(controller.cancels(runId)).hasSize(1);
    }
}
