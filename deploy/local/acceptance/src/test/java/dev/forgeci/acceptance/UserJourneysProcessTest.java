package dev.forgeci.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.LogFollower;
import dev.forgeci.testkit.StatusReceiver;

/**
 * Forge CI the way its users meet it, over the four services running as real processes: a
 * Radicle node's webhooks and commit statuses, the IDE's manual runs and log terminal, the
 * radicle-ci-broker adapter, cancel. Everything is observed through public interfaces only.
 */
class UserJourneysProcessTest {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    private static ForgeStack forge;

    @BeforeAll
    static void startForge() {
        forge = ForgeStack.get();
    }

    @Test
    void aSignedPushWebhookRunsReportsStatusesAndStreamsEveryLineWithItsSecretMasked() {
        String rid = Forge.newRepositoryId();
        String secret = "s3cr3t-" + UUID.randomUUID();
        forge.secret(rid, "DEPLOY_TOKEN", secret);
        String commit = Forge.repository(rid).commit(Map.of(".forge/workflows/ci.yaml", """
                name: Push CI
                jobs:
                  build:
                    secrets: [DEPLOY_TOKEN]
                    steps:
                      - name: Greet
                        run: |
                          for i in 1 2 3; do echo "greeting $i"; done
                          echo "to stderr" >&2
                      - name: Use the secret
                        run: echo "token=$DEPLOY_TOKEN"
                """), "push CI");

        ObjectNode push = Forge.fixture("webhook-push.json");
        Forge.pointAtStack(push, rid, commit);
        push.put("branch", "main");
        JsonNode answer = Forge.webhook("push", push, 202);
        String runId = answer.path("runs").get(0).path("runId").asText();

        try (LogFollower viewer = Forge.follow(runId)) {
            assertThat(viewer.awaitEnd(RUN_TIMEOUT)).isEqualTo("success");
            assertThat(viewer.lineTexts())
                    .containsSubsequence("greeting 1", "greeting 2", "greeting 3")
                    .contains("to stderr", "token=***")
                    .noneMatch(line -> line.contains(secret));
        }
        assertThat(Forge.run(runId).path("jobs").findValuesAsText("controllerId"))
                .as("a push runs on the trusted pool")
                .isNotEmpty()
                .containsOnly(ForgeStack.CONTROLLER_ID);
        // accepted = signed right; a status is the run's when its target_url links to the run
        await("commit statuses")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(forge.statuses.acceptedFor(runId))
                        .extracting(StatusReceiver.Received::state)
                        .containsExactly("running", "success"));
        assertThat(forge.statuses.all())
                .filteredOn(s -> s.body().path("sha").asText().equals(commit))
                .hasSize(2)
                .allMatch(StatusReceiver.Received::signatureValid)
                .allMatch(s -> s.body().path("repo_id").asText().equals(rid));
    }

    @Test
    void aPatchFromANonDelegateWaitsForApprovalAndThenRunsWithoutSecrets() {
        String rid = Forge.newRepositoryId();
        forge.secret(rid, "DEPLOY_TOKEN", "never-for-patches");
        ObjectNode patch = Forge.fixture("webhook-patch.json");
        String patchId = patch.path("patch").path("id").asText();
        BareRepo repo = Forge.repository(rid);
        repo.commit(Map.of("README.md", "base\n"), "base");
        String commit =
                repo.commit("patches/" + patchId, Map.of(".forge/workflows/ci.yaml", """
                name: Patch CI
                secrets: [DEPLOY_TOKEN]
                steps:
                  - name: Look for the secret
                    run: echo "token=${DEPLOY_TOKEN:-absent}"
                """), "a contributor's patch");

        Forge.pointAtStack(patch, rid, commit);
        ((ObjectNode) patch.path("patch")).put("after", commit);
        ((ObjectNode) patch.path("patch").path("revisions").get(0)).put("oid", commit);
        ((ObjectNode) patch.path("patch").path("commits").get(0)).put("id", commit);
        assertThat(patch.path("repository").path("delegates").toString())
                .doesNotContain(patch.path("author").path("id").asText());
        String runId = Forge.webhook("patch", patch, 202)
                .path("runs")
                .get(0)
                .path("runId")
                .asText();

        await("the patch's run waits")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> Forge.run(runId).path("status").asText().equals("waiting"));
        JsonNode waiting = Forge.run(runId);
        assertThat(waiting.path("reason").asText()).startsWith("Waiting for approval by a delegate");
        assertThat(waiting.path("jobs").findValues("attempt"))
                .as("nothing dispatched before approval")
                .isNotEmpty()
                .allMatch(attempt -> attempt.asInt() == 0);
        JsonNode approved = Forge.approve(runId);
        assertThat(approved.path("approval").path("by").asText()).isEqualTo("operator");

        try (LogFollower viewer = Forge.follow(runId)) {
            assertThat(viewer.awaitEnd(RUN_TIMEOUT)).isEqualTo("success");
            assertThat(viewer.lineTexts()).contains("token=absent").noneMatch(l -> l.contains("never-for-patches"));
        }
        JsonNode ran = Forge.run(runId);
        assertThat(ran.path("trigger").path("trusted").asBoolean()).isFalse();
        assertThat(ran.path("jobs").findValuesAsText("controllerId"))
                .as("only the untrusted pool ran the patch")
                .isNotEmpty()
                .containsOnly(ForgeStack.UNTRUSTED_CONTROLLER_ID);
    }

    @Test
    void theSeedsWorkflowRunsInlineAndItsDockerBuildSucceeds() throws IOException {
        String rid = Forge.newRepositoryId();
        Path demo = forge.repoRoot.resolve("deploy/local/demo");
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> walk = Files.walk(demo)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(demo.relativize(file).toString(), Files.readString(file));
            }
        }
        String commit = Forge.repository(rid).commit(files, "the demo project");
        String seedWorkflow = files.get(".forge/workflows/build.yaml");

        String runId = Forge.triggerOne(rid, commit, seedWorkflow);
        try (LogFollower viewer = Forge.follow(runId)) {
            assertThat(viewer.awaitEnd(RUN_TIMEOUT)).isEqualTo("success");
            assertThat(viewer.lineTexts()).anyMatch(l -> l.contains("2 passing"));
        }
        JsonNode steps = Forge.job(Forge.run(runId), "build").path("steps");
        assertThat(steps)
                .extracting(
                        s -> s.path("name").asText() + "=" + s.path("status").asText())
                .containsExactly("Install Dependencies=success", "Run Tests=success", "Build Docker Image=success");
    }

    @Test
    void twoWorkflowsGiveTwoRunsAFailedStepSkipsTheRestAndNeedsOrderJobs() {
        String rid = Forge.newRepositoryId();
        String commit = Forge.repository(rid)
                .commit(
                        Map.of(
                                ".forge/workflows/failing.yaml", """
                        name: Failing
                        steps:
                          - name: fine
                            run: echo fine
                          - name: breaks
                            run: exit 3
                          - name: never
                            run: echo never
                        """,
                                ".forge/workflows/graph.yaml", """
                        name: Graph
                        jobs:
                          build:
                            steps:
                              - run: echo built
                          test:
                            needs: build
                            steps:
                              - run: echo tested
                          lint:
                            needs: [build]
                            steps:
                              - run: echo linted
                        """),
                        "two workflows");

        List<String> runs = Forge.trigger(rid, commit, null);
        assertThat(runs).hasSize(2);
        Map<String, JsonNode> byWorkflow = runs.stream()
                .map(id -> Forge.awaitRun(id, RUN_TIMEOUT))
                .collect(Collectors.toMap(r -> r.path("workflow").asText(), r -> r));

        JsonNode failing = byWorkflow.get("Failing");
        assertThat(failing.path("status").asText()).isEqualTo("failure");
        JsonNode steps = Forge.job(failing, "build").path("steps");
        assertThat(steps.get(1).path("status").asText()).isEqualTo("failure");
        assertThat(steps.get(1).path("exitCode").asInt()).isEqualTo(3);
        assertThat(steps.get(2).path("status").asText()).isEqualTo("skipped");

        JsonNode graph = byWorkflow.get("Graph");
        assertThat(graph.path("status").asText()).isEqualTo("success");
        Instant buildFinished =
                Instant.parse(Forge.job(graph, "build").path("finishedAt").asText());
        for (String dependent : List.of("test", "lint")) {
            assertThat(Instant.parse(
                            Forge.job(graph, dependent).path("startedAt").asText()))
                    .as(dependent + " starts after build")
                    .isAfterOrEqualTo(buildFinished);
        }
    }

    @Test
    void cancelStopsTheRunnerAndKeepsTheLog() throws Exception {
        Forge.Pushed repo = Forge.newRepositoryWithACommit("cancel me");
        String runId = Forge.triggerOne(repo.rid(), repo.commit(), """
                name: Long
                steps:
                  - name: wait
                    run: |
                      echo "started waiting"
                      sleep 600
                """);
        try (LogFollower viewer = Forge.follow(runId)) {
            await().atMost(RUN_TIMEOUT).until(() -> viewer.lineTexts().contains("started waiting"));
            Forge.cancel(runId);
            assertThat(viewer.awaitEnd(Duration.ofSeconds(30))).isEqualTo("cancelled");
        }
        await("runner container gone")
                .atMost(Duration.ofSeconds(15))
                .until(() -> Docker.containersOf(runId).isEmpty()
                        && Docker.volumesOf(runId).isEmpty());
        assertThat(Forge.run(runId).path("status").asText()).isEqualTo("cancelled");
        assertThat(Forge.logText(runId)).contains("started waiting");
    }

    @Test
    void theBrokerAdapterReportsTriggeredThenFinished() throws Exception {
        String rid = Forge.newRepositoryId();
        String commit = Forge.repository(rid).commit(Map.of(".forge/workflows/ci.yaml", """
                name: Broker CI
                steps:
                  - run: echo "from the broker"
                """), "broker");
        ObjectNode request = Forge.fixture("broker-push.json");
        ((ObjectNode) request.path("repository")).put("id", rid);
        request.put("after", commit);
        request.put("branch", "main");
        ((ArrayNode) request.path("commits")).removeAll().add(commit);

        ProcessBuilder spawn = new ProcessBuilder(forge.repoRoot
                        .resolve("deploy/radicle/forge-broker-adapter")
                        .toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        spawn.environment().put("FORGE_TRIGGER_URL", forge.trigger.baseUrl());
        spawn.environment().put("FORGE_TOKEN", ForgeStack.TOKEN);
        Process adapter = spawn.start();
        try (OutputStream stdin = adapter.getOutputStream()) {
            stdin.write((request + "\n").getBytes(StandardCharsets.UTF_8));
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(adapter.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(lines::add);
        }
        assertThat(adapter.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(adapter.exitValue()).isZero();
        assertThat(lines).hasSize(2);
        JsonNode triggered = Forge.readJson(lines.get(0));
        assertThat(triggered.path("response").asText()).isEqualTo("triggered");
        String runId = triggered.path("run_id").path("id").asText();
        assertThat(Forge.readJson(lines.get(1)))
                .isEqualTo(Forge.readJson("{\"response\":\"finished\",\"result\":\"success\"}"));
        assertThat(Forge.run(runId).path("status").asText()).isEqualTo("success");
    }

    @Test
    void aLateViewerAndAReconnectingViewerSeeIdenticalLogs() {
        Forge.Pushed repo = Forge.newRepositoryWithACommit("viewers");
        String runId = Forge.triggerOne(repo.rid(), repo.commit(), """
                name: Chatty
                steps:
                  - name: count
                    run: |
                      for i in $(seq 1 3000); do
                        echo "line $i"
                        if [ $((i % 500)) -eq 0 ]; then sleep 0.5; fi
                      done
                """);
        try (LogFollower early = Forge.follow(runId)) {
            await().atMost(RUN_TIMEOUT).until(() -> early.lineTexts().contains("line 500"));
            early.drop();
            await().atMost(RUN_TIMEOUT).until(() -> early.lineTexts().contains("line 1500"));
            early.drop();
            assertThat(early.awaitEnd(RUN_TIMEOUT)).isEqualTo("success");
            assertThat(early.connections()).isGreaterThanOrEqualTo(3);

            try (LogFollower late = Forge.follow(runId)) {
                late.awaitEnd(Duration.ofSeconds(30));
                assertThat(late.frames()).isEqualTo(early.frames());
            }
            List<String> counted = early.lineTexts().stream()
                    .filter(l -> l.startsWith("line "))
                    .toList();
            assertThat(counted).hasSize(3000);
            for (int i = 0; i < counted.size(); i++) {
                assertThat(counted.get(i)).isEqualTo("line " + (i + 1));
            }
        }
    }
}
