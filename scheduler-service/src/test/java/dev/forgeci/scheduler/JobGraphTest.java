package dev.forgeci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

/** The needs graph and `if` conditions, with the test playing the controller on the real broker. */
@QuarkusTest
class JobGraphTest extends SchedulerTestSupport {

    @Test
    void buildThenTestAndLintThenReportInOrder() {
        String runId = submit(RunRequests.push(RunRequests.newRepository())
                .job("build")
                .job("test", "success", "build")
                .job("lint", "success", "build")
                .job("report", "always", "test", "lint"));

        JsonNode build = awaitDispatch(runId, "build", 1);
        assertThat(build.path("job").path("steps")).hasSize(2);
        assertThat(build.path("workflow").asText()).isEqualTo("Build and Test");
        assertThat(build.path("trusted").asBoolean()).isTrue();
        assertThat(build.path("cloneUrl").asText()).startsWith("http://127.0.0.1:1/");
        assertThat(controller.dispatched(runId)).hasSize(1);

        controller.runToEnd(runId, "build", 1, "success");
        awaitDispatch(runId, "test", 1);
        awaitDispatch(runId, "lint", 1);
        assertThat(dispatchesOf(runId, "report", 1)).isEmpty();

        controller.runToEnd(runId, "test", 1, "success");
        controller.runToEnd(runId, "lint", 1, "success");
        awaitDispatch(runId, "report", 1);
        controller.runToEnd(runId, "report", 1, "success");

        JsonNode done = awaitRunStatus(runId, "success");
        assertThat(runStatuses(runId)).containsExactly("queued", "running", "success");
        assertThat(done.path("jobs")).hasSize(4);
        done.path("jobs").forEach(job -> {
            assertThat(job.path("status").asText()).isEqualTo("success");
            assertThat(job.path("logChunks").asLong()).isEqualTo(3);
        });
        assertThat(done.path("trigger").path("statusUrl").asText()).endsWith(runId);
        assertThat(done.path("startedAt").asText()).isNotEmpty();
        assertThat(done.path("finishedAt").asText()).isNotEmpty();

        api().when()
                .get("/api/runs/" + runId)
                .then()
                .statusCode(200)
                .body("status", equalTo("success"))
                .body("jobs.jobId", contains("build", "test", "lint", "report"))
                .body("jobs[0].steps.index", contains(0, 1))
                .body("jobs[0].steps.status", contains("success", "success"))
                .body("jobs[0].steps[1].exitCode", equalTo(0))
                .body("jobs[0].startedAt", notNullValue())
                .body("jobs[0].durationMs", notNullValue());
    }

    @Test
    void aFailingBuildSkipsItsDependentsButAlwaysAndFailureJobsRun() {
        String runId = submit(RunRequests.push(RunRequests.newRepository())
                .job("build")
                .job("test", "success", "build")
                .job("lint", "success", "build")
                .job("notify", "failure", "test")
                .job("report", "always", "test", "lint"));

        awaitDispatch(runId, "build", 1);
        controller.runToEnd(runId, "build", 1, "failure");

        awaitDispatch(runId, "report", 1);
        awaitDispatch(runId, "notify", 1);
        controller.runToEnd(runId, "report", 1, "success");
        controller.runToEnd(runId, "notify", 1, "success");

        JsonNode done = awaitRunStatus(runId, "failure");
        assertThat(done.path("reason").asText()).contains("build");
        assertThat(dispatchesOf(runId, "test", 1)).isEmpty();
        assertThat(dispatchesOf(runId, "lint", 1)).isEmpty();
        api().when()
                .get("/api/runs/" + runId)
                .then()
                .statusCode(200)
                .body("jobs.status", contains("failure", "skipped", "skipped", "success", "success"))
                .body("jobs[1].reason", equalTo("Skipped: a job it needs did not succeed."))
                .body("jobs[0].steps.status", contains("success", "failure"))
                .body("jobs[1].steps.status", contains("skipped", "skipped"));
    }

    @Test
    void aFailureJobIsSkippedWhenNothingFailed() {
        String runId = submit(
                RunRequests.push(RunRequests.newRepository()).job("build").job("notify", "failure", "build"));
        awaitDispatch(runId, "build", 1);
        controller.runToEnd(runId, "build", 1, "success");

        awaitRunStatus(runId, "success");
        assertThat(dispatchesOf(runId, "notify", 1)).isEmpty();
    }

    @Test
    void aWorkflowWhoseNeedsCannotBeMetEndsInError() {
        String runId = submit(RunRequests.push(RunRequests.newRepository())
                .job("a", "success", "b")
                .job("b", "success", "a"));

        JsonNode error = awaitRunStatus(runId, "error", Duration.ofSeconds(30));
        assertThat(error.path("reason").asText()).contains("cycle");
        assertThat(error.path("seq").asLong()).isEqualTo(1);
        api().when().get("/api/runs/" + runId).then().statusCode(200).body("status", equalTo("error"));
    }
}
