package dev.forgeci.logs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.LogFollower;
import io.quarkus.test.junit.QuarkusTest;

/** Bad input never gets a stack trace: a close code with a reason on the socket, problem+json over HTTP. */
@QuarkusTest
class AccessAndBadInputTest extends LiveGatewayTest {

    LogFollower closedWith(String path, int code) {
        LogFollower client = LogFollower.connect(socket(path));
        client.awaitClosed(Duration.ofSeconds(15));
        assertThat(client.closeCode())
                .as("close code of %s (reason %s)", path, client.closeReason())
                .isEqualTo(code);
        assertThat(client.messages()).isEmpty();
        return client;
    }

    @Test
    void anUnknownRunIsWaitedForBrieflyThenClosedWithAReason() {
        String runId = RunIds.next();
        LogFollower client = closedWith("/ws/runs/" + runId + "?access_token=test-reader-token", 4404);
        assertThat(client.closeReason()).isEqualTo("unknown run " + runId + ": nothing heard of it within 2s");
    }

    @Test
    void aRunThatStartsWhileTheClientWaitsIsShown() {
        RunFeeder run = new RunFeeder(kafka);
        LogFollower client = open(run.runId, "");
        run.run("queued")
                .jobStarted("build")
                .lines("build", null, 3, 3, n -> "hello " + n)
                .jobFinished("build", "success", 0)
                .runFinished("success", Map.of("build", 1L));
        client.awaitEnd(Duration.ofSeconds(30));
        assertThat(client.lineTexts()).containsExactly("hello 1", "hello 2", "hello 3");
    }

    @Test
    void badRunIdsCursorsAndModesAreClosedWithAReason() {
        String runId = RunIds.next();
        assertThat(closedWith("/ws/runs/" + runId + "?access_token=test-reader-token&cursor=abc", 4400)
                        .closeReason())
                .isEqualTo("malformed cursor: expected the cursor number of the last frame received");
        assertThat(closedWith("/ws/runs/" + runId + "?access_token=test-reader-token&cursor=-1", 4400)
                        .closeReason())
                .startsWith("malformed cursor");
        assertThat(closedWith("/ws/runs/not-a-run?access_token=test-reader-token", 4400)
                        .closeReason())
                .isEqualTo("not a run id (26 Crockford base32 characters)");
        assertThat(closedWith("/ws/runs/" + runId + "?access_token=test-reader-token&mode=html", 4400)
                        .closeReason())
                .isEqualTo("mode must be json or raw");
    }

    @Test
    void aMissingOrUnknownTokenClosesTheSocket() {
        String runId = RunIds.next();
        assertThat(closedWith("/ws/runs/" + runId, 1008).closeReason())
                .isEqualTo("missing access token (pass it as access_token)");
        assertThat(closedWith("/ws/runs/" + runId + "?access_token=guess", 1008).closeReason())
                .isEqualTo("invalid access token (pass it as access_token)");
        // Any configured token reads.
        RunFeeder run = new RunFeeder(kafka);
        LogFollower client = LogFollower.connect(socket("/ws/runs/" + run.runId + "?access_token=second-token"));
        run.run("queued").runFinished("cancelled", Map.of());
        client.awaitEnd(Duration.ofSeconds(30));
    }

    @Test
    void aTokenOfOtherRepositoriesCannotReadThisRunsLogNorSeeItListed() {
        RunFeeder run = new RunFeeder(kafka);
        run.run("queued")
                .jobStarted("build")
                .lines("build", null, 1, 1, n -> "secret-ish output")
                .jobFinished("build", "success", 0)
                .runFinished("success", Map.of("build", 1L));
        open(run.runId, "").awaitEnd(Duration.ofSeconds(30));

        LogFollower refused = closedWith("/ws/runs/" + run.runId + "?access_token=elsewhere-token", 1008);
        assertThat(refused.closeReason())
                .isEqualTo("the token `elsewhere` may not read run " + run.runId
                        + " of rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5");
        given().auth()
                .oauth2("elsewhere-token")
                .when()
                .get("/api/logs/" + run.runId)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("may not read run " + run.runId));
        given().auth()
                .oauth2("elsewhere-token")
                .when()
                .get("/api/logs")
                .then()
                .statusCode(200)
                .body(not(containsString(run.runId)));

        LogFollower own = LogFollower.connect(socket("/ws/runs/" + run.runId + "?access_token=heartwood-token"));
        own.awaitEnd(Duration.ofSeconds(30));
        assertThat(own.lineTexts()).containsExactly("secret-ish output");
        given().auth()
                .oauth2("heartwood-token")
                .when()
                .get("/api/logs/" + run.runId)
                .then()
                .statusCode(200)
                .body(containsString("secret-ish output"));
        given().auth()
                .oauth2("heartwood-token")
                .when()
                .get("/api/logs")
                .then()
                .statusCode(200)
                .body(containsString(run.runId));
        // A scoped token cannot wait on a run whose repository nobody knows yet.
        String unknown = RunIds.next();
        assertThat(closedWith("/ws/runs/" + unknown + "?access_token=heartwood-token", 1008)
                        .closeReason())
                .endsWith("whose repository is not known yet");
    }

    @Test
    void anOversizedClientMessageClosesTheSocket() {
        RunFeeder run = new RunFeeder(kafka);
        LogFollower client = open(run.runId, "");
        client.send("x".repeat(4096));
        client.awaitClosed(Duration.ofSeconds(15));
        assertThat(client.closeCode()).isEqualTo(1009);
        assertThat(client.closeReason()).isEqualTo("message too big: this socket only sends");
    }

    @Test
    void httpErrorsAreProblemJson() {
        given().when()
                .get("/api/logs/" + RunIds.next())
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer realm=\"forge-ci\"")
                .body("status", equalTo(401))
                .body("title", equalTo("Authentication required"))
                .body("detail", containsString("Authorization: Bearer <token>"))
                .body(not(containsString("Exception")));
        given().auth()
                .oauth2("guess")
                .when()
                .get("/api/logs")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("not one this server accepts"));
        String runId = RunIds.next();
        given().auth()
                .oauth2("test-reader-token")
                .when()
                .get("/api/logs/" + runId)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:unknown-run"))
                .body("instance", equalTo("/api/logs/" + runId))
                .body("detail", equalTo("No log is held for run " + runId + "."));
        given().auth()
                .oauth2("test-reader-token")
                .when()
                .get("/api/logs/a/b/c")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("type", equalTo("urn:forge-ci:problem:not-found"));
        given().auth()
                .oauth2("test-reader-token")
                .when()
                .delete("/api/logs")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:method-not-allowed"))
                .body("title", equalTo("Method Not Allowed"));
    }
}
