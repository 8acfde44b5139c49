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
import java.net.InetSocketAddress;
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
import com.sun.net.httpserver.HttpServer;

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
        ObjectNode request = push(rid, commit);

        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            JsonNode run = requested(runId);
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
            // the fixture's two lines, the triggered one with the info_url third-party adapters add
            List<String> expected =
                    Fixtures.text("broker-responses.jsonl").lines().toList();
            assertThat(adapter.stdout())
                    .containsExactly(
                            expected.get(0)
                                    .replace("any-string-works-as-run-id", runId)
                                    .replace("}}", "},\"info_url\":\"" + runPage(runId) + "\"}"),
                            expected.get(1));
            assertThat(adapter.stdout().get(0))
                    .isEqualTo("{\"response\":\"triggered\",\"run_id\":{\"id\":\"" + runId
                            + "\"},\"info_url\":\"http://127.0.0.1:8080/#/runs/" + runId + "\"}");
            assertThat(adapter.stderr()).contains("run " + runId + " finished: success");
        }
    }

    @Test
    void aTagPushFromTheBrokerRunsAsGitHubsTagPushAlsoAsACanonicalRefInAPeersNamespace() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit =
                BareRepo.create(gateway.root(), rid).commit(Map.of(".github/workflows/release.yml", """
                on:
                  push:
                    tags: ['v*']
                jobs:
                  release: {runs-on: ubuntu-latest, steps: [{run: echo release}]}
                """), "release");
        ObjectNode request = push(rid, commit);
        request.put("branch", "refs/tags/v1.2.0");

        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            JsonNode run = requested(runId);
            assertThat(run.path("ref").asText()).isEqualTo("refs/tags/v1.2.0");
            JsonNode github = run.path("context").path("github");
            assertThat(github.path("ref_type").asText()).isEqualTo("tag");
            assertThat(github.path("ref_name").asText()).isEqualTo("v1.2.0");
            assertThat(github.path("event").path("ref").asText()).isEqualTo("refs/tags/v1.2.0");
            publish(runId, 1, "success");
            assertThat(adapter.awaitExit()).isZero();
        }
        // A canonical tag (Radicle 1.3+) as a push to one's own node names it: in the pusher's namespace.
        request.put("branch", "refs/namespaces/z6MkltRpzcq2ybm13yQpyre58JUeMvZY6toxoZVpLZ8YabRa/refs/tags/v1.2.0");
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            JsonNode run = requested(runId);
            assertThat(run.path("ref").asText()).isEqualTo("refs/tags/v1.2.0");
            assertThat(run.path("context").path("github").path("ref_name").asText())
                    .isEqualTo("v1.2.0");
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
            JsonNode run = requested(runId);
            assertThat(run.path("trigger").path("kind").asText()).isEqualTo("patch");
            assertThat(run.path("trigger").path("trusted").asBoolean()).isFalse();
            assertThat(run.path("commit").asText()).isEqualTo(head);

            publish(runId, 1, "running");
            publish(runId, 2, "failure");

            assertReported(adapter, runId, FINISHED_FAILURE);
        }
    }

    @Test
    void aPatchAsTheLiveBrokerWritesItCapitalisedWithABaseCommitAndUnknownFieldsRuns() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String base = repo.commit(Map.of(".github/workflows/ci.yml", """
                on: pull_request
                jobs:
                  test: {runs-on: ubuntu-latest, steps: [{run: make test}]}
                """), "ci");
        String head = repo.commit("alice", Map.of("README.md", "description"), "Add description in README");
        ObjectNode request = Fixtures.json("broker-patch.json");
        request.put("action", "Created").put("event_type", "Patch");
        request.putObject("broker_extension")
                .put("since", "0.27")
                .putArray("later")
                .add(1);
        ((ObjectNode) request.path("repository")).put("id", rid).put("canonical_refs", "refs/tags/*");
        ObjectNode patch = (ObjectNode) request.path("patch");
        patch.put("after", head).put("target", base).put("before", base);
        patch.withArray("revisions").forEach(revision -> ((ObjectNode) revision).remove("base"));
        patch.withArray("revisions")
                .forEach(revision -> ((ObjectNode) revision).put("oid", head).put("edited", true));

        try (Adapter adapter = Adapter.start(base(), TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            JsonNode run = requested(runId);
            JsonNode github = run.path("context").path("github");
            assertThat(github.path("event_name").asText()).isEqualTo("pull_request");
            assertThat(github.path("event").path("action").asText()).isEqualTo("opened");
            assertThat(github.path("event")
                            .path("pull_request")
                            .path("base")
                            .path("sha")
                            .asText())
                    .isEqualTo(base);
            assertThat(run.path("commit").asText()).isEqualTo(head);
            publish(runId, 1, "success");
            assertReported(adapter, runId, FINISHED_SUCCESS);
        }
    }

    @Test
    void aCancelledRunIsAFailureAndSoIsAnAdapterTheBrokerStops() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of(".forge/workflows/ci.yaml", WORKFLOW), "ci");
        ObjectNode request = push(rid, commit);

        try (Adapter adapter = Adapter.start(base(), TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            publish(runId, 1, "running");
            publish(runId, 2, "cancelled");
            assertReported(adapter, runId, FINISHED_FAILURE);
        }
        try (Adapter adapter = Adapter.start(base(), TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String runId = adapter.triggeredRunId();
            await().atMost(Duration.ofSeconds(10)).until(() -> adapter.stderr().contains("waiting for it to finish"));
            adapter.terminate();
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout()).containsExactly(triggered(runId, runPage(runId)), FINISHED_FAILURE);
            assertThat(adapter.stderr())
                    .contains("error: stopped by a signal (the broker cancelled the run or shuts down); run " + runId
                            + " goes on in Forge");
        }
    }

    @Test
    void aForgeThatGoesAwayMidRunEndsTheRunAsAFailureWithTheReason() throws Exception {
        String runId = "01JD0000000000000000000042";
        HttpServer forge = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        forge.createContext("/api/hooks/radicle-broker", exchange -> {
            try (exchange) {
                byte[] body = (exchange.getRequestMethod().equals("POST")
                                ? "{\"runId\":\"" + runId + "\",\"infoUrl\":\"https://forge.example.org/#/runs/" + runId
                                        + "\"}"
                                : "{\"runId\":\"" + runId + "\",\"finished\":false}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(exchange.getRequestMethod().equals("POST") ? 202 : 200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        forge.start();
        URL url = new URL("http://127.0.0.1:" + forge.getAddress().getPort() + "/");
        try (Adapter adapter = Adapter.start(
                url, TestEnvironment.TOKEN, Fixtures.text("broker-push.json").strip(), "FORGE_LOST_TIMEOUT", "2")) {
            assertThat(adapter.triggeredRunId()).isEqualTo(runId);
            forge.stop(0);
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout())
                    .containsExactly(triggered(runId, "https://forge.example.org/#/runs/" + runId), FINISHED_FAILURE);
            assertThat(adapter.stderr())
                    .contains("error: lost trigger-service at http://127.0.0.1:"
                            + forge.getAddress().getPort())
                    .contains("run " + runId + "'s result is unknown");
        } finally {
            forge.stop(0);
        }
    }

    @Test
    void aWorkflowThatDoesNotValidateIsTheBrokersErrorResultWithItsPlace() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of(".github/workflows/ci.yml", """
                on: push
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo ${{ github.sha ]]
                """), "broken");
        ObjectNode request = push(rid, commit);

        try (Adapter adapter = Adapter.start(base(), TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout()).containsExactly(ERROR_RESULT.formatted(WORKFLOW_ERROR));
            assertThat(runRequested.matching(r -> r.value().contains(rid))).isEmpty();
        }
    }

    @Test
    void everyRunOfTheRequestMustEndAndSucceed() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid)
                .commit(
                        Map.of(
                                ".forge/workflows/a.yaml", WORKFLOW.replace("CI", "A"),
                                ".forge/workflows/b.yaml", WORKFLOW.replace("CI", "B")),
                        "two workflows");
        ObjectNode request = push(rid, commit);

        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            String first = adapter.triggeredRunId();
            assertThat(adapter.stdout().get(0))
                    .isEqualTo(triggered(first, "http://127.0.0.1:8080/#/commits/" + commit));
            List<String> runs = runRequested.await(r -> r.value().contains(rid), 2, Duration.ofSeconds(30)).stream()
                    .map(KafkaTestClient.Seen::key)
                    .toList();
            String second =
                    runs.stream().filter(id -> !id.equals(first)).findFirst().orElseThrow();

            publish(first, 1, "success");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> waitFor(first, 0)
                            .statusCode(200)
                            .body("finished", equalTo(false))
                            .body("result", nullValue())
                            .body("runs.runId", equalTo(List.of(first, second)))
                            .body("runs.status", equalTo(Arrays.asList("success", null))));
            assertThat(adapter.isRunning()).isTrue();

            publish(second, 1, "running");
            publish(second, 2, "cancelled");
            assertThat(adapter.awaitExit()).isZero();
            assertThat(adapter.stdout()).element(1).isEqualTo(FINISHED_FAILURE);
            waitFor(first, 0)
                    .statusCode(200)
                    .body("finished", equalTo(true))
                    .body("result", equalTo("failure"))
                    .body("runs.runId", equalTo(List.of(first, second)))
                    .body("runs.status", equalTo(List.of("success", "cancelled")));
        }
    }

    @Test
    void theFixtureAsItIsEndsWithAReasonBecauseItsCommitIsNowhere() throws Exception {
        // broker-push.json names rad:zwTxygwuz5LDGBq255RA2CbNGrz8 at 765823c6…, a commit no repository here can
        // contain.
        BareRepo.create(gateway.root(), "rad:zwTxygwuz5LDGBq255RA2CbNGrz8")
                .commit(Map.of(".forge/workflows/ci.yaml", WORKFLOW), "ci");
        try (Adapter adapter = Adapter.start(
                base, TestEnvironment.TOKEN, Fixtures.text("broker-push.json").strip())) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            String why =
                    "trigger-service refused the request (404): commit 765823c686caa89db0b76c19595189ac1fde4e8e is not in the "
                            + "history of refs/heads/main at " + gateway.url() + "/zwTxygwuz5LDGBq255RA2CbNGrz8.git";
            assertThat(adapter.stdout()).containsExactly(ERROR_RESULT.formatted(why));
            assertThat(adapter.stderr()).contains("error: " + why);
        }
    }

    @Test
    void aWrongTokenNoWorkflowOrMissingSettingsAreReasonsToo() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid).commit(Map.of("README.md", "no CI"), "readme");
        ObjectNode request = push(rid, commit);
        String line = JSON.writeValueAsString(request);

        try (Adapter adapter = Adapter.start(base, "not-the-token", line)) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout())
                    .singleElement()
                    .asString()
                    .startsWith("{\"response\":\"finished\",\"result\":{\"error\":"
                            + "\"trigger-service refused the request (401): ");
            assertThat(adapter.stderr())
                    .contains("refused the request (401): The bearer token is not one this server accepts");
        }
        try (Adapter adapter = Adapter.start(base, "scoped-token", line)) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stderr())
                    .contains("refused the request (403): the token `scoped` may not run in " + rid);
        }
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, line)) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stderr())
                    .contains("refused the request (422): " + rid + " has no workflow at commit " + commit);
        }
        String patchesOnly = BareRepo.create(gateway.root(), rid.replace("rad:z", "rad:zP"))
                .commit(Map.of(".forge/workflows/ci.yaml", "on: patch\nsteps:\n  - run: make\n"), "patches only");
        ObjectNode push = request.deepCopy();
        ((ObjectNode) push.path("repository")).put("id", rid.replace("rad:z", "rad:zP"));
        push.put("after", patchesOnly);
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(push))) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout())
                    .containsExactly(ERROR_RESULT.formatted("nothing to run: no workflow runs on this push"));
            assertThat(adapter.stderr()).contains("error: nothing to run: no workflow runs on this push");
        }
        request.put("branch", "main; rm -rf /");
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, JSON.writeValueAsString(request))) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stderr())
                    .contains("refused the request (422): branch: `main; rm -rf /` is not a valid branch name");
        }
        try (Adapter adapter = Adapter.start(null, TestEnvironment.TOKEN, line)) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout())
                    .containsExactly(
                            ERROR_RESULT.formatted("FORGE_TRIGGER_URL is not set (trigger-service's base URL)"));
        }
        try (Adapter adapter = Adapter.start(base, TestEnvironment.TOKEN, "{\"request\":\"trigger\", \"version\": 1")) {
            assertThat(adapter.awaitExit()).isEqualTo(1);
            assertThat(adapter.stdout())
                    .containsExactly(ERROR_RESULT.formatted("the request line is not a JSON object"));
        }
    }

    @Test
    void theWaitNeedsATokenAndARunId() {
        given().when()
                .get("/api/hooks/radicle-broker/runs/01JD0000000000000000000000")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        waitFor("not-a-run", 0)
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("runId"));
        waitFor("01JD0000000000000000000000", 0)
                .statusCode(200)
                .body("finished", equalTo(false))
                .body("runs[0].status", nullValue());
    }

    // ----------------------------------------------------------------------------------------------

    static final String FINISHED_SUCCESS = "{\"response\":\"finished\",\"result\":\"success\"}";
    static final String FINISHED_FAILURE = "{\"response\":\"finished\",\"result\":\"failure\"}";
    /** The broker's error result, for an error before anything was triggered. */
    static final String ERROR_RESULT = "{\"response\":\"finished\",\"result\":{\"error\":\"%s\"}}";

    static final String WORKFLOW_ERROR = "trigger-service refused the request (422): .github/workflows/ci.yml:6:19: "
            + "the expression is not closed: `${{` was found without its `}}`";

    /** The broker's push fixture, aimed at a repository and commit of this test. */
    static ObjectNode push(String rid, String commit) {
        ObjectNode request = Fixtures.json("broker-push.json");
        ((ObjectNode) request.path("repository")).put("id", rid);
        request.put("after", commit);
        return request;
    }

    static String triggered(String runId, String infoUrl) {
        return "{\"response\":\"triggered\",\"run_id\":{\"id\":\"" + runId + "\"},\"info_url\":\"" + infoUrl + "\"}";
    }

    /** forge.status.target-url as the test profile has it (the default). */
    static String runPage(String runId) {
        return "http://127.0.0.1:8080/#/runs/" + runId;
    }

    URL base() {
        return base;
    }

    static ValidatableResponse waitFor(String runId, int seconds) {
        return given().header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .queryParam("wait", seconds)
                .when()
                .get("/api/hooks/radicle-broker/runs/" + runId)
                .then();
    }

    static void publish(String runId, long seq, String status) {
        ObjectNode event = JSON.createObjectNode();
        event.put("runId", runId)
                .put("seq", seq)
                .put("status", status)
                .put("at", Instant.now().toString());
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

        static Adapter start(URL base, String token, String requestLine, String... settings) throws IOException {
            ProcessBuilder builder = new ProcessBuilder("sh", ADAPTER.toString());
            Map<String, String> env = builder.environment();
            for (int i = 0; i + 1 < settings.length; i += 2) {
                env.put(settings[i], settings[i + 1]);
            }
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
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("adapter ended; stderr: %s", stderr)
                    .isTrue();
            for (Thread reader : readers) {
                reader.join(5000);
            }
            return process.exitValue();
        }

        /** What the broker does to stop an adapter: SIGTERM (Process#destroy would also close the pipes the test reads). */
        void terminate() {
            process.toHandle().destroy();
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
            Thread thread = new Thread(
                    () -> {
                        try (BufferedReader reader =
                                new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = reader.readLine()) != null) {
                                sink.accept(line);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    "adapter-output");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    /** The run request trigger-service published for this run. */
    private JsonNode requested(String runId) {
        return runRequested.awaitKey(runId, Duration.ofSeconds(30)).json();
    }

    /** The adapter ended well, having told the broker the run and then how it finished. */
    private static void assertReported(Adapter adapter, String runId, String finished) throws Exception {
        assertThat(adapter.awaitExit()).isZero();
        assertThat(adapter.stdout()).containsExactly(triggered(runId, runPage(runId)), finished);
    }
}
