package dev.forgeci.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.scheduler.runs.Run;
import dev.forgeci.testkit.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** The runs API: lists, filters, paging, authentication, problem+json, OpenAPI; and what bad input does. */
@QuarkusTest
class RunsApiTest extends SchedulerTestSupport {

    @Test
    void listsRunsNewestFirstByRepositoryAndStatusInPages() {
        String repository = RunRequests.newRepository();
        String first = submit(RunRequests.push(repository).job("build"));
        String second = submit(RunRequests.push(repository).job("build"));
        String third = submit(RunRequests.push(repository).job("build"));
        awaitDispatch(third, "build", 1);
        controller.runToEnd(first, "build", 1, "success");
        awaitDispatch(first, "build", 1);
        awaitRunStatus(first, "success");
        awaitDispatch(second, "build", 1);
        controller.runToEnd(second, "build", 1, "failure");
        awaitRunStatus(second, "failure");

        listed(Map.of("repository", repository))
                .body("total", equalTo(3))
                .body("runs.runId", contains(third, second, first))
                .body("runs[0]", not(hasKey("jobs")));
        listed(Map.of("repository", repository, "size", 2, "page", 1))
                .body("runs.runId", contains(first))
                .body("page", equalTo(1))
                .body("size", equalTo(2));
        listed(Map.of("repository", repository, "status", "failure"))
                .body("runs.runId", contains(second))
                .body("total", equalTo(1));
        listed(Map.of("repository", repository, "status", "queued")).body("runs.runId", contains(third));
        List<String> everything = listed(Map.of("size", 100)).extract().path("runs.runId");
        assertThat(everything).containsSubsequence(third, second, first);
        controller.runToEnd(third, "build", 1, "success");
        awaitRunStatus(third, "success");
    }

    @Test
    void listsTheRunsOfOneCommitForItsPageInTheViewer() {
        String repository = RunRequests.newRepository();
        String commit = UUID.randomUUID().toString().replace("-", "") + "01234567";
        String ci = submit(RunRequests.push(repository).commit(commit).job("build"));
        String lint = submit(RunRequests.push(repository).commit(commit).job("lint"));
        String elsewhere = submit(RunRequests.push(repository).job("build"));
        awaitRunStatus(elsewhere, "queued");

        listed(Map.of("commit", commit))
                .body("total", equalTo(2))
                .body("runs.runId", contains(lint, ci))
                .body("runs.commit", contains(commit, commit));
        listed(Map.of("commit", commit, "size", 1, "page", 1))
                .body("total", equalTo(2))
                .body("runs.runId", contains(ci));
        listed(Map.of("commit", commit, "repository", "rad:zSomewhereElse")).body("total", equalTo(0));
        api().queryParam("commit", "HEAD~1; true")
                .when()
                .get("/api/runs")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("commit must be a full commit id"));
        for (String runId : List.of(ci, lint, elsewhere)) {
            awaitDispatch(runId, runId.equals(lint) ? "lint" : "build", 1);
            controller.runToEnd(runId, runId.equals(lint) ? "lint" : "build", 1, "success");
            awaitRunStatus(runId, "success");
        }
    }

    @Test
    void readsAndWritesNeedAToken() {
        given().when()
                .get("/api/runs")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("detail", containsString("Bearer"));
        given().header("Authorization", "Bearer wrong")
                .when()
                .post("/api/runs/x/cancel")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", startsWith("The bearer token is not one this server accepts;"));
        given().header("Authorization", "Bearer second-token")
                .when()
                .get("/api/runs")
                .then()
                .statusCode(200);
    }

    @Test
    void aReadOnlyTokenReadsButCannotCancelOrRerun() {
        String runId = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitRunStatus(runId, "queued");

        reader().when().get("/api/runs/" + runId).then().statusCode(200).body("runId", equalTo(runId));
        reader().when()
                .post("/api/runs/" + runId + "/cancel")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", equalTo("the token `reader` lacks the scope this needs."));
        reader().when().post("/api/runs/" + runId + "/rerun").then().statusCode(403);
        api().when().get("/api/runs/" + runId).then().body("status", equalTo("queued"));
    }

    @Test
    void aTokenOfOneRepositorySeesAndCancelsOnlyThatRepositorysRuns() {
        String own = submit(RunRequests.push(SCOPED_REPOSITORY).job("build"));
        String other = RunRequests.newRepository();
        String foreign = submit(RunRequests.push(other).job("build"));
        awaitRunStatus(own, "queued");
        awaitRunStatus(foreign, "queued");

        scoped().when().get("/api/runs/" + own).then().statusCode(200);
        scoped().when()
                .get("/api/runs/" + foreign)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", equalTo("the token `scoped` may not read in " + other + "."));
        scoped().when().post("/api/runs/" + foreign + "/cancel").then().statusCode(403);
        scoped().queryParam("repository", other).when().get("/api/runs").then().statusCode(403);
        List<String> listed = scoped().queryParam("size", 100)
                .when()
                .get("/api/runs")
                .then()
                .statusCode(200)
                .extract()
                .path("runs.runId");
        assertThat(listed).contains(own).doesNotContain(foreign);
        api().when().get("/api/runs/" + foreign).then().body("status", equalTo("queued"));

        scoped().when().post("/api/runs/" + own + "/cancel").then().statusCode(202);
        awaitRunStatus(own, "cancelled");
    }

    @Test
    void anUntrustedRunWaitsUntilATokenThatMayWriteItsRepositoryApprovesItAndTheApprovalNamesTheHoldersDid() {
        String runId = submit(RunRequests.of(SCOPED_REPOSITORY, "patch")
                .untrustedAwaitingApproval()
                .job("build"));
        awaitRunStatus(runId, "waiting");
        String later = submit(RunRequests.push(SCOPED_REPOSITORY).job("build"));
        awaitDispatch(later, "build", 1);
        assertThat(dispatchesOf(runId, "build", 1)).isEmpty();
        api().when()
                .get("/api/runs/" + runId)
                .then()
                .body("status", equalTo("waiting"))
                .body("reason", equalTo(Run.WAITING_REASON))
                .body("$", not(hasKey("approval")));
        api().queryParam("repository", SCOPED_REPOSITORY)
                .queryParam("status", "waiting")
                .when()
                .get("/api/runs")
                .then()
                .body("runs.runId", contains(runId));

        reader().when().post("/api/runs/" + runId + "/approve").then().statusCode(403);
        scoped().when()
                .post("/api/runs/" + runId + "/approve")
                .then()
                .statusCode(202)
                .body("status", equalTo("queued"))
                .body("approval.by", equalTo("scoped"))
                .body("approval.did", equalTo(SCOPED_DID));

        assertThat(awaitDispatch(runId, "build", 1).path("trusted").asBoolean()).isFalse();
        scoped().when()
                .post("/api/runs/" + runId + "/approve")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("Run " + runId + " is queued; only a waiting run can be approved."));
        assertThat(awaitRunStatus(runId, "queued").path("approval").path("by").asText())
                .isEqualTo("scoped");
    }

    @Test
    void anUnknownRunIsA404ProblemWithASentence() {
        api().when()
                .get("/api/runs/01J0000000000000000000NONE")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Run not found"))
                .body(
                        "detail",
                        equalTo(
                                "There is no run 01J0000000000000000000NONE (or it is older than the retention period)."));
        api().when().post("/api/runs/01J0000000000000000000NONE/cancel").then().statusCode(404);
        api().when().post("/api/runs/01J0000000000000000000NONE/rerun").then().statusCode(404);
        api().when()
                .get("/api/nothing-here")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:not-found"));
        api().when()
                .delete("/api/runs")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:method-not-allowed"))
                .body("title", equalTo("Method Not Allowed"));
    }

    @Test
    void badQueryParametersAreA400Problem() {
        api().queryParam("status", "sleeping")
                .when()
                .get("/api/runs")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("status must be one of"));
        api().queryParam("size", 1000).when().get("/api/runs").then().statusCode(400);
    }

    @Test
    void openApiDescribesTheRunsApi() {
        given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths", hasKey("/api/runs/{runId}/cancel"))
                .body("paths", hasKey("/api/runs/{runId}/rerun"));
    }

    @Test
    void aMalformedRecordGoesToTheDeadLetterTopicAndTheConsumerGoesOn() {
        try (KafkaTestClient.Watcher deadLetters = kafka.watch(Topics.DEAD_LETTERS)) {
            String badKey = "bad-" + UUID.randomUUID();
            kafka.send(Topics.RUN_REQUESTED, badKey, "{this is not json");
            kafka.send(Topics.JOB_EVENTS, badKey + "-event", "{\"type\":\"job-started\"}");
            String runId = submit(RunRequests.push(RunRequests.newRepository()).job("build"));

            deadLetters.awaitKey(badKey, WAIT);
            deadLetters.awaitKey(badKey + "-event", WAIT);
            awaitDispatch(runId, "build", 1);
            controller.runToEnd(runId, "build", 1, "success");
            awaitRunStatus(runId, "success");
        }
    }

    /** {@code GET /api/runs} with these query parameters, answered 200. */
    private static ValidatableResponse listed(Map<String, ?> query) {
        return api().queryParams(query).when().get("/api/runs").then().statusCode(200);
    }
}
