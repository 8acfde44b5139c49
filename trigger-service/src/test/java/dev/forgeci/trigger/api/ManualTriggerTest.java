package dev.forgeci.trigger.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.StatusReceiver;
import dev.forgeci.trigger.Fixtures;
import dev.forgeci.trigger.TestEnvironment;
import dev.forgeci.trigger.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
class ManualTriggerTest {

    static final String SEED_WORKFLOW = Fixtures.SEED_WORKFLOW;

    static final KafkaTestClient.Watcher runRequested = TestKafka.runRequested();

    GitGateway gateway;
    StatusReceiver receiver;

    @Test
    void anInlineWorkflowBecomesOneRunRequestedRecord() {
        String rid = TestEnvironment.newRepositoryId();
        String commit = "0123456789abcdef0123456789abcdef01234567";
        String runId = trigger(Map.of("repository", rid, "commit", commit, "workflow", """
                name: Inline
                concurrency:
                  group: ${{ forge.workflow }}@${{ forge.repository }}
                  cancel-in-progress: true
                secrets: [NPM_TOKEN]
                steps:
                  - run: npm test
                """))
                .statusCode(202)
                .body("commit", equalTo(commit))
                .body("runs", hasSize(1))
                .body("runs[0].workflow", equalTo("Inline"))
                .body("runs[0].file", equalTo("inline"))
                .body("runs[0].runId", matchesPattern("[0-7][0-9A-HJKMNP-TV-Z]{25}"))
                .extract()
                .path("runs[0].runId");

        KafkaTestClient.Seen seen = runRequested.awaitKey(runId, Duration.ofSeconds(30));
        JsonNode run = seen.json();
        assertThat(run.path("runId").asText()).isEqualTo(runId);
        assertThat(Instant.parse(run.path("requestedAt").asText()))
                .isBetween(Instant.now().minusSeconds(60), Instant.now());
        JsonNode trigger = run.path("trigger");
        assertThat(trigger.path("kind").asText()).isEqualTo("manual");
        assertThat(trigger.path("actor").asText()).isEqualTo("test");
        assertThat(trigger.path("trusted").asBoolean()).isTrue();
        assertThat(trigger.path("requestId").asText()).hasSize(36);
        for (String absent : List.of("rerunOf", "patchId", "statusUrl", "statusContext", "nodeId")) {
            assertThat(trigger.has(absent)).as(absent).isTrue();
            assertThat(trigger.path(absent).isNull()).as(absent).isTrue();
        }
        assertThat(run.path("repository").path("id").asText()).isEqualTo(rid);
        assertThat(run.path("commit").asText()).isEqualTo(commit);
        assertThat(run.path("ref").isNull()).isTrue();
        assertThat(run.path("cloneUrl").asText()).isEqualTo(TestEnvironment.cloneUrl(gateway, rid));
        JsonNode workflow = run.path("workflow");
        assertThat(workflow.path("name").asText()).isEqualTo("Inline");
        assertThat(workflow.path("file").asText()).isEqualTo("inline");
        assertThat(workflow.path("concurrency").path("group").asText()).isEqualTo("Inline@" + rid);
        assertThat(workflow.path("concurrency").path("cancelInProgress").asBoolean())
                .isTrue();
        JsonNode job = workflow.path("jobs").get(0);
        assertThat(job.toString())
                .isEqualTo(
                        "{\"id\":\"build\",\"group\":\"build\",\"name\":\"build\",\"needs\":[],"
                                + "\"if\":\"success()\",\"runsOn\":[],\"timeoutMinutes\":60,\"continueOnError\":false,\"matrix\":null,"
                                + "\"strategy\":{\"failFast\":true,\"maxParallel\":1,\"jobIndex\":0,\"jobTotal\":1},\"env\":{},"
                                + "\"secrets\":[\"NPM_TOKEN\"],\"outputs\":{},\"steps\":[{\"index\":0,\"name\":\"npm test\",\"run\":\"npm test\","
                                + "\"shell\":\"bash\",\"workingDirectory\":\"\",\"env\":{},\"continueOnError\":false,\"if\":\"success()\"}]}");
        JsonNode github = run.path("context").path("github");
        assertThat(github.path("event_name").asText()).isEqualTo("workflow_dispatch");
        assertThat(github.path("sha").asText()).isEqualTo(commit);
        assertThat(github.path("run_id").asText()).isEqualTo(runId);
        assertThat(github.path("run_number").asText()).isEqualTo("1");
        assertThat(github.path("repository_id").asText()).isEqualTo(rid);
        assertThat(run.path("context").path("forge").path("repository").asText())
                .isEqualTo(rid);
        assertThat(run.path("context").path("inputs").isObject()).isTrue();
    }

    @Test
    void theWorkflowsOfACommitAreReadFromTheSeedOverSmartHttp() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String first = repo.commit(
                Map.of(
                        ".forge/workflows/build.yaml", SEED_WORKFLOW,
                        ".forge/workflows/lint.yml", "name: Lint\non: patch\nsteps:\n  - run: make lint\n",
                        ".forge/workflows/README.md", "not a workflow",
                        ".forge/workflows/old/ignored.yaml", "not: read",
                        "src/main.c", "int main() { return 0; }\n"),
                "workflows");
        String second = repo.commit(
                Map.of(".forge/workflows/build.yaml", SEED_WORKFLOW.replace("Build and Test", "Renamed")), "rename");

        ValidatableResponse latest = trigger(Map.of("repository", rid, "ref", "main"))
                .statusCode(202)
                .body("commit", equalTo(second))
                .body("runs.file", equalTo(List.of(".forge/workflows/build.yaml", ".forge/workflows/lint.yml")))
                .body("runs.workflow", equalTo(List.of("Renamed", "Lint")));
        String buildRun = latest.extract().path("runs[0].runId");
        JsonNode build = runRequested.awaitKey(buildRun, Duration.ofSeconds(30)).json();
        assertThat(build.path("ref").asText()).isEqualTo("refs/heads/main");
        assertThat(build.path("commit").asText()).isEqualTo(second);
        assertThat(build.path("workflow").path("jobs").get(0).path("steps")).hasSize(3);

        // An older commit is fetched by id, and its own workflow text is what runs.
        trigger(Map.of("repository", rid, "commit", first, "ref", "refs/heads/main"))
                .statusCode(202)
                .body("commit", equalTo(first))
                .body("runs.workflow", equalTo(List.of("Build and Test", "Lint")));
    }

    @Test
    void workflowProblemsAnswer422WithEveryFileLineAndColumn() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String commit = repo.commit(
                Map.of(
                        ".forge/workflows/a.yaml", "jobs:\n  build:\n    stpes: []\n",
                        ".forge/workflows/b.yaml", "steps:\n  - name: no run\n"),
                "broken");

        trigger(Map.of("repository", rid, "commit", commit))
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:workflow-invalid"))
                .body("status", equalTo(422))
                .body("instance", equalTo("/api/triggers"))
                .body("detail", equalTo("the workflows have 3 problems; see errors"))
                .body(
                        "errors.file",
                        equalTo(List.of(
                                ".forge/workflows/a.yaml", ".forge/workflows/a.yaml", ".forge/workflows/b.yaml")))
                .body("errors.line", equalTo(List.of(2, 3, 2)))
                .body("errors.column", equalTo(List.of(3, 5, 5)))
                .body("errors[1].message", equalTo("unknown key `stpes` in job `build` (did you mean `steps`?)"))
                .body(
                        "errors[2].message",
                        equalTo(
                                "step 1 of job `build` has no `run`: every step needs a command to execute (or `uses` an action)"));

        trigger(Map.of(
                        "repository",
                        rid,
                        "commit",
                        commit,
                        "workflow",
                        "steps:\n  - run: [x]\n",
                        "workflowFile",
                        ".forge/workflows/edited.yaml"))
                .statusCode(422)
                .body("errors[0].file", equalTo(".forge/workflows/edited.yaml"))
                .body("errors[0].line", equalTo(2))
                .body("errors[0].column", equalTo(10));
        assertThat(runRequested.matching(r -> r.value().contains(rid))).isEmpty();
    }

    @Test
    void aWorkflowWhoseAliasesWouldExpandAScalarThousandsOfTimesIs422NotAnOutOfMemoryError() {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of("README.md", "x\n"), "one");
        StringBuilder attack = new StringBuilder(
                "env:\n  A: &a \"" + "x".repeat(100 * 1024) + "\"\nsteps:\n  - run: echo\n    env:\n");
        for (int i = 0; i < 6_000; i++) {
            attack.append("      K").append(i).append(": *a\n");
        }

        trigger(Map.of(
                        "repository",
                        rid,
                        "commit",
                        commit,
                        "workflow",
                        attack.toString(),
                        "workflowFile",
                        ".forge/workflows/a.yaml"))
                .statusCode(422)
                .contentType("application/problem+json")
                .body(
                        "errors[0].message",
                        org.hamcrest.Matchers.startsWith("the workflow's text comes to more than 1024 KiB"));
        assertThat(runRequested.matching(r -> r.value().contains(rid))).isEmpty();
    }

    @Test
    void aRepositoryWithoutWorkflowsGetsAClearAnswerNotARun() {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of("README.md", "hello"), "no CI");

        trigger(Map.of("repository", rid, "commit", commit))
                .statusCode(422)
                .body("type", equalTo("urn:forge-ci:problem:no-workflows"))
                .body(
                        "detail",
                        equalTo(rid + " has no workflow at commit " + commit
                                + ": add a file .forge/workflows/<name>.yml or .github/workflows/<name>.yml"));
    }

    @Test
    void aCommitRefOrRepositoryTheSeedDoesNotHaveIs404() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo.create(gateway.root(), rid).commit(Map.of(".forge/workflows/build.yaml", SEED_WORKFLOW), "ci");
        String missing = "1111111111111111111111111111111111111111";

        trigger(Map.of("repository", rid, "commit", missing))
                .statusCode(404)
                .body("type", equalTo("urn:forge-ci:problem:not-found"))
                .body(
                        "detail",
                        equalTo("commit " + missing + " was not found at " + TestEnvironment.cloneUrl(gateway, rid)));
        trigger(Map.of("repository", rid, "ref", "refs/heads/nope"))
                .statusCode(404)
                .body(
                        "detail",
                        equalTo("ref refs/heads/nope was not found at " + TestEnvironment.cloneUrl(gateway, rid)));
        String unknown = TestEnvironment.newRepositoryId();
        trigger(Map.of("repository", unknown, "ref", "main"))
                .statusCode(404)
                .body("detail", equalTo("the seed has no repository at " + TestEnvironment.cloneUrl(gateway, unknown)));
    }

    @Test
    void everyInvalidFieldIsNamedAndNothingReachesGit() {
        trigger(Map.of(
                        "repository",
                        "github.com/acme/app",
                        "commit",
                        "abc",
                        "ref",
                        "main; rm -rf /",
                        "workflowFile",
                        "../../etc/passwd"))
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:invalid-request"))
                .body("errors.field", equalTo(List.of("repository", "commit", "ref", "workflowFile")))
                .body(
                        "errors[0].message",
                        equalTo("must be a Radicle repository id (rad:z…), not `github.com/acme/app`"))
                .body("errors[1].message", equalTo("must be a commit id (40 hexadecimal digits), not `abc`"))
                .body("errors[2].message", equalTo("`main; rm -rf /` is not a valid branch name: it contains a space"));
        trigger(Map.of("repository", TestEnvironment.newRepositoryId(), "ref", "refs/heads/--upload-pack=touch"))
                .statusCode(422)
                .body(
                        "errors[0].message",
                        equalTo(
                                "`refs/heads/--upload-pack=touch` is not a valid ref: a path component starts with `-`"));
        trigger(Map.of("repository", TestEnvironment.newRepositoryId()))
                .statusCode(422)
                .body("errors[0].field", equalTo("commit"))
                .body("errors[0].message", equalTo("give a commit or a ref to run"));
    }

    @Test
    void aSeedOffTheAllowlistIsRefused() {
        String rid = TestEnvironment.newRepositoryId();
        trigger(Map.of("repository", rid, "ref", "main", "seed", "http://169.254.169.254"))
                .statusCode(403)
                .body("type", equalTo("urn:forge-ci:problem:seed-not-allowed"))
                .body(
                        "detail",
                        equalTo("seed: http://169.254.169.254:80 is not one of the seeds this server may contact"));
        trigger(Map.of("repository", rid, "ref", "main", "seed", "file:///etc"))
                .statusCode(403)
                .body("detail", equalTo("seed: `file:///etc` is not a plain http(s) URL"));
        trigger(Map.of(
                        "repository",
                        rid,
                        "ref",
                        "main",
                        "seed",
                        "http://user:pw@" + gateway.url().substring(7)))
                .statusCode(403);
    }

    @Test
    void aSeedThatFailsIs502() {
        // The receiver's origin is allowed, but it is no git server.
        trigger(Map.of("repository", TestEnvironment.newRepositoryId(), "ref", "main", "seed", receiver.url()))
                .statusCode(502)
                .body("type", equalTo("urn:forge-ci:problem:seed-unreachable"))
                .body("detail", startsWith("reading ref refs/heads/main from " + receiver.url()));
    }

    @Test
    void writesNeedAValidBearerToken() {
        Map<String, String> body = Map.of(
                "repository",
                TestEnvironment.newRepositoryId(),
                "commit",
                "0".repeat(40),
                "workflow",
                "steps: [{run: x}]");
        for (String header : new String[] {null, "Bearer wrong-token", "Basic dGVzdC10b2tlbg==", "Bearer "}) {
            var request = given().contentType(ContentType.JSON).body(body);
            if (header != null) {
                request.header("Authorization", header);
            }
            request.when()
                    .post("/api/triggers")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", "Bearer realm=\"forge-ci\"")
                    .body("type", equalTo("urn:forge-ci:problem:unauthorized"))
                    .body("detail", containsString("Authorization: Bearer"));
        }
    }

    @Test
    void theRunIsInTheTokensNameAndAScopedTokenRunsOnlyItsOwnRepository() {
        String own = "rad:zTriggerTestScopedRepository1";
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Map<String, String> body = new HashMap<>(
                Map.of("repository", own, "commit", commit, "workflow", "steps: [{run: x}]", "actor", "cloudhead"));
        String runId = given().header("Authorization", "Bearer scoped-token")
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/triggers")
                .then()
                .statusCode(202)
                .extract()
                .path("runs[0].runId");
        assertThat(runRequested
                        .awaitKey(runId, Duration.ofSeconds(30))
                        .json()
                        .path("trigger")
                        .path("actor")
                        .asText())
                .isEqualTo("scoped");

        String other = TestEnvironment.newRepositoryId();
        body.put("repository", other);
        given().header("Authorization", "Bearer scoped-token")
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/triggers")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:forbidden"))
                .body("detail", equalTo("the token `scoped` may not run in " + other + "."));
        given().header("Authorization", "Bearer reader-token")
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/triggers")
                .then()
                .statusCode(403)
                .body("detail", equalTo("the token `reader` lacks the scope this needs."));
        assertThat(runRequested.matching(r -> r.json() != null
                        && other.equals(r.json().path("repository").path("id").asText())))
                .isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonIs400Problem() {
        given().header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"repository\": ")
                .when()
                .post("/api/triggers")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:malformed-body"));
        given().header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .contentType(ContentType.JSON)
                .body("[1, 2]")
                .when()
                .post("/api/triggers")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:forge-ci:problem:malformed-body"));
    }

    @Test
    void unknownPathsAndMethodsAnswerProblemsToo() {
        given().when()
                .get("/api/triggers")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("status", equalTo(405))
                .body("type", equalTo("urn:forge-ci:problem:method-not-allowed"))
                .body("title", equalTo("Method Not Allowed"));
        given().when()
                .post("/api/nothing-here")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:not-found"));
        given().header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .contentType("text/plain")
                .body("hello")
                .when()
                .post("/api/triggers")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
    }

    static ValidatableResponse trigger(Map<String, String> body) {
        return given().header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .contentType(ContentType.JSON)
                .body(new HashMap<>(body))
                .when()
                .post("/api/triggers")
                .then();
    }
}
