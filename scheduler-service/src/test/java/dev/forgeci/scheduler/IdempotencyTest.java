package dev.forgeci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.forgeci.scheduler.events.Topics;
import io.quarkus.test.junit.QuarkusTest;

/** An event seen twice changes nothing. */
@QuarkusTest
class IdempotencyTest extends SchedulerTestSupport {

    @Test
    void aRunRequestedTwiceIsOneRun() {
        RunRequests run = RunRequests.push(RunRequests.newRepository()).job("build");
        String runId = submit(run);
        kafka.sendJson(Topics.RUN_REQUESTED, runId, run.json());
        awaitDispatch(runId, "build", 1);
        controller.runToEnd(runId, "build", 1, "success");
        awaitRunStatus(runId, "success");
        // Once more after it ended.
        kafka.sendJson(Topics.RUN_REQUESTED, runId, run.json());

        String marker = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitDispatch(marker, "build", 1);
        assertThat(controller.dispatched(runId)).hasSize(1);
        assertThat(runStatuses(runId)).containsExactly("queued", "running", "success");
    }

    @Test
    void redeliveredJobEventsDoNotDispatchDependentsTwice() {
        String runId = submit(
                RunRequests.push(RunRequests.newRepository()).job("build").job("test", "success", "build"));
        awaitDispatch(runId, "build", 1);
        controller.runToEnd(runId, "build", 1, "success");
        awaitDispatch(runId, "test", 1);
        // The last event of build (seq 6: started, 2 x step start/finish, finished) arrives again, and an old one.
        controller.resend(runId, "build", 1, "job-finished", 6, "success");
        controller.resend(runId, "build", 1, "job-started", 1, null);
        // An event of an attempt that never was is ignored too.
        controller.resend(runId, "test", 2, "job-finished", 1, "failure");
        controller.runToEnd(runId, "test", 1, "success");
        awaitRunStatus(runId, "success");

        Awaitility.await()
                .during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> controller.dispatched(runId).size() == 2);
        api().when()
                .get("/api/runs/" + runId)
                .then()
                .statusCode(200)
                .body("jobs[0].status", equalTo("success"))
                .body("jobs[1].status", equalTo("success"));
        assertThat(runStatuses(runId)).containsExactly("queued", "running", "success");
    }
}
