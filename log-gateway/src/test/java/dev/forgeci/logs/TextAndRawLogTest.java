package dev.forgeci.logs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.LogFollower;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The terminal side: raw mode for xterm.js, the whole log as text, the recent-runs list, dead letters. */
@QuarkusTest
class TextAndRawLogTest extends LiveGatewayTest {

    /**
     * A two-step job whose output has colours and a carriage return, as a progress bar prints. Each
     * step's lines are produced once the gateway has its step-started (as a controller's order makes
     * likely), so the headers carry the step names.
     */
    RunFeeder twoStepRun(RunFeeder run) {
        try (LogFollower watcher = open(run.runId, "")) {
            run.run("queued").run("running").jobStarted("build");
            run.lines("build", null, 1, 1, n -> "cloning");
            run.stepStarted("build", 1, "Install Dependencies");
            awaitFrame(watcher, "Install Dependencies");
            run.lines(
                    "build",
                    1,
                    2,
                    2,
                    n -> n == 3 ? "progress 50%\rprogress 100%" : "\u001b[32madded 12 packages\u001b[0m");
            run.stepFinished("build", 1, "Install Dependencies", "success", 0).stepStarted("build", 2, "Run Tests");
            awaitFrame(watcher, "Run Tests");
            run.lines("build", 2, 1, 1, n -> "\u001b[31m1 failing\u001b[0m");
            run.stepFinished("build", 2, "Run Tests", "failure", 1)
                    .jobFinished("build", "failure", 1)
                    .runFinished("failure", Map.of("build", run.chunks("build")));
            watcher.awaitEnd(Duration.ofSeconds(30));
        }
        return run;
    }

    static void awaitFrame(LogFollower client, String text) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> client.messages().stream().anyMatch(m -> m.contains(text)));
    }

    @Test
    void rawModeSendsTerminalTextWithStepHeaders() {
        RunFeeder run = new RunFeeder(kafka);
        LogFollower raw = open(run.runId, "&mode=raw");
        twoStepRun(run);
        raw.awaitClosed(Duration.ofSeconds(30));
        assertThat(raw.closeCode()).isEqualTo(1000);
        String text = String.join("", raw.messages());
        assertThat(text)
                .doesNotContain("\"cursor\"")
                .contains("\u001b[1;36m==> build > Set up job\u001b[0m\r\ncloning\r\n")
                .contains(
                        "==> build > Install Dependencies\u001b[0m\r\n\u001b[32madded 12 packages\u001b[0m\r\nprogress 50%\rprogress 100%\r\n")
                .contains("==> build > Run Tests\u001b[0m\r\n\u001b[31m1 failing\u001b[0m\r\n")
                .contains("==> job build failure (exit 1)")
                .endsWith("\u001b[1m==> run failure\u001b[0m\r\n");
        assertThat(text.indexOf("Install Dependencies")).isLessThan(text.indexOf("Run Tests"));
    }

    @Test
    void aLineThatWouldMakeTheViewersTerminalAnswerOrWriteItsClipboardIsShownNotObeyedInBothModes() {
        RunFeeder run = new RunFeeder(kafka);
        LogFollower raw = open(run.runId, "&mode=raw");
        LogFollower frames = open(run.runId, "");
        run.run("running")
                .jobStarted("build")
                .lines("build", 1, 1, 1, n -> "\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[6n\u001b[32mgreen\u001b[0m")
                .jobFinished("build", "success", 0)
                .runFinished("success", Map.of("build", run.chunks("build")));
        raw.awaitClosed(Duration.ofSeconds(30));
        frames.awaitEnd(Duration.ofSeconds(30));

        String safe = "\u241b]52;c;cm0gLXJmIH4K\u0007\u241b[6n\u001b[32mgreen\u001b[0m";
        assertThat(String.join("", raw.messages()))
                .contains(safe + "\r\n")
                .doesNotContain("\u001b]52")
                .doesNotContain("\u001b[6n");
        assertThat(frames.lineTexts()).as("the viewer's JSON frames").contains(safe);
    }

    @Test
    void linesOfAStepWhoseStartNeverArrivesAreShownUnderItsIndexOnce() {
        RunFeeder run = new RunFeeder(kafka);
        LogFollower raw = open(run.runId, "&mode=raw");
        run.run("running")
                .jobStarted("build")
                .lines("build", 5, 30, 10, n -> "orphan " + n)
                .jobFinished("build", "success", 0)
                .runFinished("success", Map.of("build", run.chunks("build")));
        raw.awaitClosed(Duration.ofSeconds(30));
        String text = String.join("", raw.messages());
        assertThat(text)
                .contains("==> build > step #5\u001b[0m\r\norphan 1\r\norphan 2\r\n")
                .contains("orphan 30\r\n");
        assertThat(text.split("==> build >", -1)).hasSize(2);
    }

    @Test
    void theWholeLogIsTextWithAnsiKeptOrStripped() {
        RunFeeder run = twoStepRun(new RunFeeder(kafka));

        String withAnsi = given().auth()
                .oauth2("test-reader-token")
                .when()
                .get("/api/logs/" + run.runId)
                .then()
                .statusCode(200)
                .contentType("text/plain")
                .extract()
                .asString();
        assertThat(withAnsi)
                .contains("\u001b[32madded 12 packages\u001b[0m\nprogress 50%\rprogress 100%\n")
                .doesNotContain("\r\n");
        String plain = given().auth()
                .oauth2("test-reader-token")
                .queryParam("ansi", "false")
                .when()
                .get("/api/logs/" + run.runId)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        // A token in a URL ends up in histories and proxies' logs: only the WebSocket takes one.
        given().queryParam("access_token", "test-reader-token")
                .when()
                .get("/api/logs/" + run.runId)
                .then()
                .statusCode(401);
        assertThat(plain)
                .doesNotContain("\u001b")
                .contains(
                        "==> build > Install Dependencies\nadded 12 packages\nprogress 50%\rprogress 100%\n\n==> build > Run Tests\n1 failing\n")
                .endsWith("==> run failure\n");
    }

    @Test
    void recentRunsListTheirLatestStatus() {
        RunFeeder run = new RunFeeder(kafka);
        run.run("queued").run("running");
        JsonPath list = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> given().auth()
                                .oauth2("test-reader-token")
                                .when()
                                .get("/api/logs")
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath(),
                        l -> "running".equals(l.getString("find { it.runId == '" + run.runId + "' }.status")));
        assertThat(list.getString("find { it.runId == '" + run.runId + "' }.repository.id"))
                .isEqualTo("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5");
        assertThat(list.getString("find { it.runId == '" + run.runId + "' }.workflow"))
                .isEqualTo("Build and Test");
        List<String> ids = list.getList("runId");
        assertThat(ids.indexOf(run.runId)).isLessThan(10);
    }

    @Test
    void anUndecodableRecordGoesToTheDeadLettersAndTheConsumerGoesOn() {
        RunFeeder run = new RunFeeder(kafka);
        try (KafkaTestClient.Watcher deadLetters = kafka.watch("dead-letters")) {
            LogFollower client = open(run.runId, "");
            kafka.send("job-log-chunks", run.runId, "{not json");
            kafka.send("job-events", run.runId, "{\"type\":\"job-started\",\"runId\":\"" + run.runId + "\"}");
            run.run("queued")
                    .jobStarted("build")
                    .lines("build", null, 2, 2, n -> "still here " + n)
                    .jobFinished("build", "success", 0)
                    .runFinished("success", Map.of("build", 1L));
            client.awaitEnd(Duration.ofSeconds(30));
            assertThat(client.lineTexts()).containsExactly("still here 1", "still here 2");
            List<KafkaTestClient.Seen> dead =
                    deadLetters.await(s -> run.runId.equals(s.key()), 2, Duration.ofSeconds(30));
            assertThat(dead)
                    .extracting(KafkaTestClient.Seen::value)
                    .containsExactlyInAnyOrder(
                            "{not json", "{\"type\":\"job-started\",\"runId\":\"" + run.runId + "\"}");
        }
    }
}
