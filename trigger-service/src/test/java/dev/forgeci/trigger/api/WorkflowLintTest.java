package dev.forgeci.trigger.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeci.trigger.TestEnvironment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** The IDE's lint endpoint: the verdict, every problem where it is written, the jobs a workflow makes; nothing started. */
@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
class WorkflowLintTest {

    static ValidatableResponse lint(Map<String, String> body) {
        return given().header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .contentType(ContentType.JSON)
                .body(new HashMap<>(body))
                .when()
                .post("/api/workflows/lint")
                .then();
    }

    @Test
    void aValidWorkflowAnswersItsJobsAfterMatrixExpansionAndItsWarnings() {
        lint(Map.of("file", ".github/workflows/ci.yml", "workflow", """
                on: push
                permissions: {contents: read}
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        node: [18, 20]
                    steps:
                      - uses: actions/checkout@v4
                      - id: t
                        run: npm test
                  deploy:
                    needs: test
                    runs-on: [self-hosted, linux]
                    steps: [{run: ./deploy.sh}]
                """))
                .statusCode(200)
                .body("valid", equalTo(true))
                .body("errors", empty())
                .body("warnings", hasSize(1))
                .body("warnings[0].line", equalTo(2))
                .body("jobs.id", contains("test.1", "test.2", "deploy"))
                .body("jobs.name", contains("test (18)", "test (20)", "deploy"))
                .body("jobs[1].matrix.node", equalTo(20.0f))
                .body("jobs[2].needs", contains("test"))
                .body("jobs[2].runsOn", contains("self-hosted", "linux"))
                .body("jobs[0].steps.name", contains("actions/checkout@v4", "npm test"))
                .body("jobs[0].steps[1].id", equalTo("t"));
    }

    @Test
    void problemsComeWithFileLineAndColumnAndAnUnofferedRunnerLabelIsOne() {
        lint(Map.of(
                        "file",
                        ".github/workflows/ci.yml",
                        "workflow",
                        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                                + "    steps:\n      - run: echo ${{ github.shaa }}\n"))
                .statusCode(200)
                .body("valid", equalTo(false))
                .body("errors", hasSize(1))
                .body("errors[0].file", equalTo(".github/workflows/ci.yml"))
                .body("errors[0].line", equalTo(6))
                .body("errors[0].column", equalTo(23))
                .body(
                        "errors[0].message",
                        equalTo("`github.shaa` is not a property of the github context (did you mean `sha`?)"));
        lint(Map.of(
                        "file",
                        ".github/workflows/ci.yml",
                        "workflow",
                        "on: push\njobs:\n  a:\n    runs-on: windows-latest\n" + "    steps: [{run: dir}]\n"))
                .statusCode(200)
                .body("valid", equalTo(false))
                .body("errors[0].line", equalTo(4))
                .body(
                        "errors[0].message",
                        equalTo(
                                "job `a` needs a runner labelled `windows-latest`, which no runner here offers (they offer "
                                        + "linux, self-hosted, ubuntu-22.04, ubuntu-24.04, ubuntu-latest, x64); Forge runs Linux jobs only"));
    }

    @Test
    void badRequestsAndMissingTokensAreProblemsNotAnswers() {
        lint(Map.of("file", "../../etc/passwd", "workflow", "on: push"))
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("file"));
        lint(Map.of("event", "issues", "workflow", "on: push"))
                .statusCode(422)
                .body("errors[0].field", equalTo("event"));
        lint(Map.of("file", "x.yml")).statusCode(422).body("errors[0].field", equalTo("workflow"));
        given().contentType(ContentType.JSON)
                .body(Map.of("workflow", "on: push"))
                .when()
                .post("/api/workflows/lint")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void actionsNeitherTheMirrorNorAnUpstreamHasAreWarnedOfWhereTheyAreUsed() {
        lint(Map.of("file", ".github/workflows/ci.yml", "workflow", """
                on: push
                jobs:
                  a:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                      - uses: acme/greet@v1
                      - uses: tools/setup@main
                      - uses: acme/greet@v9
                      - uses: nobody/anything@v1
                      - uses: ./.github/actions/local
                      - uses: docker://alpine:3
                """))
                .statusCode(200)
                .body("valid", equalTo(true))
                .body("warnings.line", contains(9, 10))
                .body("warnings[0].column", equalTo(15))
                .body(
                        "warnings[0].message",
                        org.hamcrest.Matchers.allOf(
                                org.hamcrest.Matchers.startsWith(
                                        "action acme/greet@v9 could not be found: tried the mirror (no v9), "),
                                org.hamcrest.Matchers.endsWith(
                                        "/acme/greet; a run that uses it fails when its job is set up")))
                .body(
                        "warnings[1].message",
                        org.hamcrest.Matchers.startsWith(
                                "action nobody/anything@v1 could not be found: tried the mirror (no nobody/anything.git), "));
    }
}
