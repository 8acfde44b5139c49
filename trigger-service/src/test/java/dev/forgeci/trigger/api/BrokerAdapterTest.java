package dev.forgeci.trigger.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.trigger.Fixtures;
import dev.forgeci.trigger.TestEnvironment;
import dev.forgeci.trigger.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * deploy/radicle/forge-broker-adapter driven end to end as radicle-ci-broker drives it: a request
 * line piped to its stdin, its stdout read line by line, while the test plays the scheduler by
 * producing the run-events.
 */
@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
class BrokerAdapterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ADAPTER = Path.of("../deploy/radicle/forge-broker-adapter");
    static final String WORKFLOW = "name: CI\nsteps:\n  - run: make test\n";

    static final KafkaTestClient.Watcher runRequested = TestKafka.runRequested();

    @TestHTTPResource("/")
    URL base;

    GitGateway gateway;

    @BeforeEach
    void serviceListens() {
        TestKafka.awaitServiceListening();
    }

    @Test
    void thePushFixtureIsTriggeredAwaitedAndReportedAsTheBrokerExpects() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of(".forge/workflows/ci.yaml", WORKFLOW), "ci");
        ObjectNode request = Fixtures.json("broker-push.json");
        ((ObjectNode) request.path("repository")).put("id", rid);
        request.put("after", commit);

        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            JsonNode run = runRequested.awaitOne(r -> runId.equals(r.key()), Duration.ofSeconds(30)).json();
            assertThat(run.path("trigger").path("kind").asText()).isEqualTo("push");
            assertThat(run.path("trigger").path("actor").asText()).isEqualTo("liw");
            assertThat(run.path("trigger").path("trusted").asBoolean()).isTrue();
            assertThat(run.path("trigger").path("statusUrl").isNull()).isTrue();
            assertThat(run.path("ref").asText()).isEqualTo("refs/heads/main");
            assertThat(run.path("cloneUrl").asText()).isEqualTo(TestEnvironment.cloneUrl(gateway, rid));

            publish(runId, 1, "queued");
            publish(runId, 2, "running");
            publish(runId, 3, "success");

            assertThat(adapter.awaitExit()).isZero();
            List<String> expected = Fixtures.text("broker-responses.jsonl").lines().toList();
            assertThat(adapter.stdout()).containsExactly(expected.get(0).replace("any-string-works-as-run-id", runId), expected.get(1));
            assertThat(adapter.stderr()).contains("run " + runId + " finished: success");
        }
    }

    @Test
    void aTagPushFromTheBrokerRunsAsGitHubsTagPush() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of(".github/workflows/release.yml", """
                on:
                  push:
                    tags: ['v*']
                jobs:
                  release: {runs-on: ubuntu-latest, steps: [{run: echo release}]}
                """), "release");
        ObjectNode request = Fixtures.json("broker-push.json");
        ((ObjectNode) request.path("repository")).put("id", rid);
        request.put("after", commit);
        request.put("branch", "refs/tags/v1.2.0");

        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            JsonNode run = runRequested.awaitOne(r -> runId.equals(r.key()), Duration.ofSeconds(30)).json();
            assertThat(run.path("ref").asText()).isEqualTo("refs/tags/v1.2.0");
            JsonNode github = run.path("context").path("github");
            assertThat(github.path("ref_type").asText()).isEqualTo("tag");
            assertThat(github.path("ref_name").asText()).isEqualTo("v1.2.0");
            assertThat(github.path("event").path("ref").asText()).isEqualTo("refs/tags/v1.2.0");
            publish(runId, 1, "success");
            assertThat(adapter.awaitExit()).isZero();
        }
    }

    @Test
    void aPatchWhoseRunFailsIsReportedAsAFailure() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        repo.commit(Map.of(".forge/workflows/ci.yaml", WORKFLOW), "ci");
        String head = repo.commit("alice", Map.of("README.md", "description"), "Add description in README");
        ObjectNode request = Fixtures.json("broker-patch.json");
        ((ObjectNode) request.path("repository")).put("id", rid);
        ((ObjectNode) request.path("patch")).put("after", head);

        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            JsonNode run = runRequested.awaitOne(r -> runId.equals(r.key()), Duration.ofSeconds(30)).json();
            assertThat(run.path("trigger").path("kind").asText()).isEqualTo("patch");
            assertThat(run.path("trigger").path("trusted").asBoolean()).isFalse();
            assertThat(run.path("commit").asText()).isEqualTo(head);

            publish(runId, 1, "running");
            publish(runId, 2, "failure");

            assertThat(adapter.awaitExit()).isZero();
            assertThat(adapter.stdout()).element(1).isEqualTo("{\"response\":\"finished\",\"result\":\"failure\"}");
        }
    }

    @Test
    void everyRunOfTheRequestMustEndAndSucceed() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of(
                ".forge/workflows/a.yaml", WORKFLOW.replace("CI", "A"),
                ".forge/workflows/b.yaml", WORKFLOW.replace("CI", "B")), "two workflows");
        ObjectNode request = Fixtures.json("broker-push.json");
        ((ObjectNode) request.path("repository")).put("id", rid);
        request.put("after", commit);

        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String first = adapter.triggeredRunId();
            List<String> runs = runRequested.await(r -> r.value().contains(rid), 2, Duration.ofSeconds(30)).stream()
                    .map(KafkaTestClient.Seen::key).toList();
            String second = runs.stream().filter(id -> !id.equals(first)).findFirst().orElseThrow();

            publish(first, 1, "success");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> waitFor(first, 0).statusCode(200)
                    .body("finished", equalTo(false))
                    .body("result", nullValue())
                    .body("runs.runId", equalTo(List.of(first, second)))
                    .body("runs.status", equalTo(Arrays.asList("success", null))));
            assertThat(adapter.isRunning()).isTrue();

            publish(second, 1, "running");
            publish(second, 2, "cancelled");
            assertThat(adapter.awaitExit()).isZero();
            assertThat(adapter.stdout()).element(1).isEqualTo("{\"response\":\"finished\",\"result\":\"failure\"}");
            waitFor(first, 0).statusCode(200)
                    .body("finished", equalTo(true))
                    .body("result", equalTo("failure"))
                    .body("runs.runId", equalTo(List.of(first, second)))
                    .body("runs.status", equalTo(List.of("success", "cancelled")));
        }
    }

    @Test
    void theFixtureAsItIsEndsWithAReasonBecauseItsCommitIsNowhere() throws Exception {
        // broker-push.json names rad:zwTxygwuz5LDGBq255RA2CbNGrz8 at 765823c6…, a commit no repository here can contain.
        BareRepo.create(gateway.root(), "rad:zwTxygwuz5LDGBq255RA2CbNGrz8").commit(Map.of(".forge/workflows/ci.yaml", WORKFLOW), "ci");
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, Fixtures.text("broker-push.json").strip())) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout()).isEmpty();
            assertThat(adapter.stderr()).contains("error: trigger-service refused the request (404): commit "
                    + "765823c686caa89db0b76c19595189ac1fde4e8e is not in the history of refs/heads/main at " + gateway.url()
                    + "/zwTxygwuz5LDGBq255RA2CbNGrz8.git");
        }
    }

    @Test
    void aWrongTokenNoWorkflowOrMissingSettingsAreReasonsToo() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of("README.md", "no CI"), "readme");
        ObjectNode request = Fixtures.json("broker-push.json");
        ((ObjectNode) request.path("repository")).put("id", rid);
        request.put("after", commit);
        String line = JSON.writeValueAsString(request);

        try (Adapter adapter = Adapter.start(base, "not-the-token", line)) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout()).isEmpty();
            assertThat(adapter.stderr()).contains("refused the request (401): this endpoint needs `Authorization: Bearer <token>`");
        }
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, line)) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stderr()).contains("refused the request (422): " + rid + " has no workflow at commit " + commit);
        }
        String patchesOnly = BareRepo.create(gateway.root(), rid.replace("rad:z", "rad:zP"))
                .commit(Map.of(".forge/workflows/ci.yaml", "on: patch\nsteps:\n  - run: make\n"), "patches only");
        ObjectNode push = request.deepCopy();
        ((ObjectNode) push.path("repository")).put("id", rid.replace("rad:z", "rad:zP"));
        push.put("after", patchesOnly);
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(push))) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout()).isEmpty();
            assertThat(adapter.stderr()).contains("error: nothing to run: no workflow runs on this push");
        }
        request.put("branch", "main; rm -rf /");
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stderr()).contains("refused the request (422): branch: `main; rm -rf /` is not a valid branch name");
        }
        try (Adapter adapter = Adapter.start(null, TestEnvironment.TOKEN, line)) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stderr()).contains("FORGE_TRIGGER_URL is not set");
        }
    }

    @Test
    void theWaitNeedsATokenAndARunId() {
        given().when().get("/api/hooks/radicle-broker/runs/01JD0000000000000000000000").then().statusCode(401)
                .contentType("application/problem+json");
        waitFor("not-a-run", 0).statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("runId"));
        waitFor("01JD0000000000000000000000", 0).statusCode(200)
                .body("finished", equalTo(false))
                .body("runs[0].status", nullValue());
    }

    // ----------------------------------------------------------------------------------------------

    static ValidatableResponse waitFor(String runId, int seconds) {
        return given().header("Authorization", "Bearer " + TestEnvironment.TOKEN).queryParam("wait", seconds)
                .when().get("/api/hooks/radicle-broker/runs/" + runId).then();
    }

    static void publish(String runId, long seq, String status) {
        ObjectNode event = JSON.createObjectNode();
        event.put("runId", runId).put("seq", seq).put("status", status).put("at", Instant.now().toString());
        event.putObject("trigger").put("kind", "push").putNull("statusUrl");
        TestKafka.client().sendJson("run-events", runId, event);
    }

    /** The adapter as a process, its stdout collected line by line. */
    static final class Adapter implements AutoCloseable {

        private final Process process;
        private final List<String> stdout = new CopyOnWriteArrayList<>();
        private final StringBuffer stderr = new StringBuffer();
        private final List<Thread> readers;

        private Adapter(Process process) {
            this.process = process;
            this.readers = List.of(
                    follow(process.getInputStream(), stdout::add),
                    follow(process.getErrorStream(), line -> stderr.append(line).append('\n')));
        }

        static Adapter start(URL base, String token, String requestLine) throws IOException {
            ProcessBuilder builder = new ProcessBuilder("sh", ADAPTER.toString());
            Map<String, String> env = builder.environment();
            env.remove("FORGE_TRIGGER_URL");
            if (base != null) {
                env.put("FORGE_TRIGGER_URL", base.toString());
            }
            env.put("FORGE_TOKEN", token);
            env.put("FORGE_WAIT", "5");
            Adapter adapter = new Adapter(builder.start());
            try (OutputStream stdin = adapter.process.getOutputStream()) {
                stdin.write((requestLine + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException exitedBeforeReading) {
                // an adapter that fails on its settings does not read its request
            }
            return adapter;
        }

        String triggeredRunId() throws IOException {
            await().atMost(Duration.ofSeconds(30)).until(() -> !stdout.isEmpty() || !process.isAlive());
            assertThat(stdout).as("stderr: %s", stderr).isNotEmpty();
            JsonNode triggered = JSON.readTree(stdout.get(0));
            assertThat(triggered.path("response").asText()).isEqualTo("triggered");
            return triggered.path("run_id").path("id").asText();
        }

        /** Waits for the exit and for everything the adapter wrote to be read. */
        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("adapter ended; stderr: %s", stderr).isTrue();
            for (Thread reader : readers) {
                reader.join(5000);
            }
            return process.exitValue();
        }

        boolean isRunning() {
            return process.isAlive();
        }

        List<String> stdout() {
            return List.copyOf(stdout);
        }

        String stderr() {
            return stderr.toString();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }

        private static Thread follow(InputStream stream, Consumer<String> sink) {
            Thread thread = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        sink.accept(line);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "adapter-output");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }
}
