package dev.forgeci.trigger.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.StatusReceiver;
import dev.forgeci.trigger.Fixtures;
import dev.forgeci.trigger.TestEnvironment;
import dev.forgeci.trigger.TestKafka;
import dev.forgeci.trigger.infra.WebhookDeliveries;
import dev.forgeci.trigger.radicle.WebhookSecrets;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
class RadicleWebhookTest {

    static final String PUSH_WORKFLOW = """
            name: On push
            on:
              push:
                branches: [master, 'release/**']
            secrets: [NPM_TOKEN]
            steps:
              - run: npm test
            """;
    static final String PATCH_WORKFLOW = """
            name: On patch
            on: [patch]
            secrets: [NPM_TOKEN]
            jobs:
              test:
                secrets: [DEPLOY_KEY]
                steps:
                  - run: npm test
            """;

    static final KafkaTestClient.Watcher runRequested = TestKafka.runRequested();

    GitGateway gateway;
    StatusReceiver receiver;

    @Inject
    RedisDataSource redis;

    @Test
    void theFixturesAreVerifiedOverTheirExactBytesThenTheirSeedIsCheckedAgainstTheAllowlist() {
        for (String event : List.of("push", "patch")) {
            byte[] body = Fixtures.bytes("webhook-" + event + ".json");
            Map<String, String> headers = Fixtures.headers("webhook-" + event + ".headers");
            // The fixtures' seed (seed.example.org) is not this server's: a valid signature gets that far, and no
            // further.
            send(body, withFreshDelivery(headers))
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:forge-ci:problem:seed-not-allowed"))
                    .body(
                            "detail",
                            equalTo(
                                    "repository.clone_url: https://seed.example.org:443 is not one of the seeds this server may contact"));
            // One byte less (the trailing newline) and the same signature no longer verifies.
            byte[] truncated = Arrays.copyOf(body, body.length - 1);
            send(truncated, withFreshDelivery(headers))
                    .statusCode(401)
                    .body("type", equalTo("urn:forge-ci:problem:invalid-signature"));
        }
    }

    @Test
    void aPushByADelegateStartsATrustedRunWithTheStatusCallback() {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid)
                .commit("master", Map.of(".forge/workflows/ci.yaml", PUSH_WORKFLOW), "ci");
        String delivery = UUID.randomUUID().toString();
        ExtractableResponse<Response> answer = sendSigned(push(rid, commit), delivery)
                .statusCode(202)
                .body("commit", equalTo(commit))
                .body("runs", hasSize(1))
                .extract();
        String runId = answer.path("runs[0].runId");
        assertThat(answer.<String>path("runs[0].watch")).isEqualTo("/ws/runs/" + runId);

        JsonNode run = runRequested.awaitKey(runId, Duration.ofSeconds(30)).json();
        JsonNode trigger = run.path("trigger");
        assertThat(trigger.path("kind").asText()).isEqualTo("push");
        assertThat(trigger.path("actor").asText()).isEqualTo("cloudhead");
        assertThat(trigger.path("trusted").asBoolean()).isTrue();
        assertThat(trigger.path("requestId").asText()).isEqualTo(delivery);
        assertThat(trigger.path("patchId").isNull()).isTrue();
        assertThat(trigger.path("statusUrl").asText()).isEqualTo(receiver.url() + "/api/commit-status");
        assertThat(trigger.path("statusContext").asText()).isEqualTo("forge-ci");
        assertThat(trigger.path("nodeId").asText()).isEqualTo("z6MkrLMMsiPWUcNPHcRajuMi9mDfYckSoJyPwwnknocNYPm7");
        assertThat(trigger.path("infoUrl").asText())
                .isEqualTo("http://127.0.0.1:8080/#/runs/" + runId)
                .isEqualTo(answer.path("infoUrl"));
        assertThat(run.path("repository").path("name").asText()).isEqualTo("heartwood");
        assertThat(run.path("ref").asText()).isEqualTo("refs/heads/master");
        assertThat(run.path("cloneUrl").asText()).isEqualTo(TestEnvironment.cloneUrl(gateway, rid));
        assertThat(run.path("workflow").path("jobs").get(0).path("secrets").toString())
                .isEqualTo("[\"NPM_TOKEN\"]");
    }

    @Test
    void aPushThatStartsSeveralWorkflowsLinksEachStatusToTheCommitsPageOfRuns() {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid)
                .commit(
                        "master",
                        Map.of(
                                ".forge/workflows/ci.yaml",
                                PUSH_WORKFLOW,
                                ".github/workflows/lint.yml",
                                "on: push\njobs:\n  lint: {runs-on: ubuntu-latest, steps: [{run: make lint}]}\n"),
                        "two workflows");
        String page = "http://127.0.0.1:8080/#/commits/" + commit;
        sendSigned(push(rid, commit), UUID.randomUUID().toString())
                .statusCode(202)
                .body("runs", hasSize(2))
                .body("infoUrl", equalTo(page));

        List<KafkaTestClient.Seen> runs = runRequested.await(r -> r.value().contains(rid), 2, Duration.ofSeconds(30));
        assertThat(runs)
                .extracting(r -> r.json().path("trigger").path("infoUrl").asText())
                .containsExactly(page, page);
    }

    @Test
    void aPatchByANonDelegateRunsWithoutSecretsOnceApproved() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        repo.commit("master", Map.of(".forge/workflows/ci.yaml", PATCH_WORKFLOW), "ci");
        String head = repo.commit("alice-readme", Map.of("README.md", "Add description"), "Add description in README");
        ObjectNode hook = Fixtures.json("webhook-patch.json");
        aim(hook, rid);
        ((ObjectNode) hook.path("patch")).put("after", head);

        JsonNode run = TestKafka.requestedRun(sendSigned(hook, UUID.randomUUID().toString()));
        assertThat(run.path("trigger").path("kind").asText()).isEqualTo("patch");
        assertThat(run.path("trigger").path("actor").asText()).isEqualTo("alice");
        assertThat(run.path("trigger").path("trusted").asBoolean()).isFalse();
        assertThat(run.path("trigger").path("awaitsApproval").asBoolean()).isTrue();
        assertThat(run.path("trigger").path("patchId").asText()).isEqualTo("731309bf14ee65adb1287a45121b016ee3a06f03");
        assertThat(run.path("commit").asText()).isEqualTo(head);
        assertThat(run.path("ref").asText())
                .isEqualTo("refs/namespaces/z6MkltRpzcq2ybm13yQpyre58JUeMvZY6toxoZVpLZ8YabRa"
                        + "/refs/heads/patches/731309bf14ee65adb1287a45121b016ee3a06f03");
        assertThat(run.path("workflow").path("jobs").get(0).path("secrets").toString())
                .isEqualTo("[]");
    }

    @Test
    void aRedeliveryOrACapturedDeliveryReplayedUnderANewIdGetsTheFirstAnswerAndStartsNoSecondRun() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String commit = repo.commit("master", Map.of(".forge/workflows/ci.yaml", PUSH_WORKFLOW), "ci");
        ObjectNode hook = push(rid, commit);
        String delivery = UUID.randomUUID().toString();

        ExtractableResponse<Response> first =
                sendSigned(hook, delivery).statusCode(202).extract();
        ExtractableResponse<Response> again =
                sendSigned(hook, delivery).statusCode(202).extract();
        assertThat(again.asString()).isEqualTo(first.asString());
        // X-Request-UUID is not signed: an attacker who captured the delivery can send it under any id
        ExtractableResponse<Response> replayed =
                sendSigned(hook, UUID.randomUUID().toString()).statusCode(202).extract();
        assertThat(replayed.asString()).isEqualTo(first.asString());
        String next = sendSigned(
                        push(rid, repo.commit("master", Map.of("README.md", "next"), "next")),
                        UUID.randomUUID().toString())
                .statusCode(202)
                .extract()
                .path("runs[0].runId");

        runRequested.awaitKey(next, Duration.ofSeconds(30));
        runRequested.awaitKey(first.path("runs[0].runId"), Duration.ofSeconds(30));
        assertThat(runRequested.matching(r -> r.value().contains(rid)))
                .extracting(KafkaTestClient.Seen::key)
                .containsExactlyInAnyOrder(first.path("runs[0].runId"), next);
    }

    @Test
    void aDeliveryWithoutARequestIdIs400AndStartsNothing() {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid)
                .commit("master", Map.of(".forge/workflows/ci.yaml", PUSH_WORKFLOW), "ci");
        byte[] body = Fixtures.serialize(push(rid, commit));
        send(body, Map.of("X-Hub-Signature-256", Fixtures.sign(body)))
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo(
                                "the X-Request-UUID header is missing or is not a delivery id (letters, digits and '-', at most "
                                        + "100): it is how a redelivery is told from a new event"));
        assertThat(runRequested.matching(r -> r.value().contains(rid))).isEmpty();
    }

    @Test
    void aRedeliveryWhileTheFirstIsStillBeingProcessedIsToldToRetry() {
        String delivery = UUID.randomUUID().toString();
        // What the first delivery's claim looks like while it reads workflows and waits for Kafka.
        byte[] body =
                Fixtures.serialize(push(TestEnvironment.newRepositoryId(), "765823c686caa89db0b76c19595189ac1fde4e8e"));
        redis.value(String.class)
                .set("forge:trigger:webhook:" + WebhookDeliveries.digest(null, body), "{\"status\":0}");
        send(body, Map.of("X-Request-UUID", delivery, "X-Hub-Signature-256", Fixtures.sign(body)))
                .statusCode(409)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("type", equalTo("urn:forge-ci:problem:delivery-in-progress"));
    }

    @Test
    void aWrongOrMissingSignatureIs401AndRecordsNothing() {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid)
                .commit("master", Map.of(".forge/workflows/ci.yaml", PUSH_WORKFLOW), "ci");
        byte[] body = Fixtures.serialize(push(rid, commit));
        String delivery = UUID.randomUUID().toString();

        send(body, Map.of("X-Request-UUID", delivery, "X-Hub-Signature-256", WebhookSecrets.sign("wrong-secret", body)))
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:invalid-signature"))
                .body("instance", equalTo("/api/hooks/radicle"));
        send(body, Map.of("X-Request-UUID", delivery)).statusCode(401);
        send(body, Map.of("X-Request-UUID", delivery, "X-Hub-Signature-256", "sha256=zz"))
                .statusCode(401);
        send(
                        body,
                        Map.of(
                                "X-Request-UUID",
                                delivery,
                                "X-Hub-Signature-256",
                                Fixtures.sign(body).replace("sha256=", "sha1=")))
                .statusCode(401);
        assertThat(runRequested.matching(r -> r.value().contains(rid))).isEmpty();

        // The refused deliveries left no trace: the same delivery id, now signed (Radicle's header name), is processed.
        send(
                        body,
                        Map.of(
                                "X-Request-UUID",
                                delivery,
                                "x-radicle-signature",
                                Fixtures.sign(body),
                                "x-radicle-event-type",
                                "push"))
                .statusCode(202)
                .body("runs", hasSize(1));
    }

    @Test
    void aRepositoryWithItsOwnSecretAcceptsOnlyThatSecret() {
        String rid = TestEnvironment.OWN_SECRET_REPOSITORY;
        String commit = BareRepo.create(gateway.root(), rid)
                .commit("master", Map.of(".forge/workflows/ci.yaml", PUSH_WORKFLOW), "ci");
        byte[] body = Fixtures.serialize(push(rid, commit));

        send(body, Map.of("X-Request-UUID", UUID.randomUUID().toString(), "X-Hub-Signature-256", Fixtures.sign(body)))
                .statusCode(401);
        send(
                        body,
                        Map.of(
                                "X-Request-UUID",
                                UUID.randomUUID().toString(),
                                "X-Hub-Signature-256",
                                WebhookSecrets.sign(TestEnvironment.OWN_SECRET, body)))
                .statusCode(202);
    }

    @Test
    void aBranchNameLikeAShellCommandIsRejectedAtTheEdge() {
        ObjectNode hook = push(TestEnvironment.newRepositoryId(), "765823c686caa89db0b76c19595189ac1fde4e8e");
        hook.put("branch", "main; rm -rf /");
        sendSigned(hook, UUID.randomUUID().toString())
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:invalid-request"))
                .body("errors[0].field", equalTo("branch"))
                .body("errors[0].message", equalTo("`main; rm -rf /` is not a valid branch name: it contains a space"));
        hook.put("branch", "master").put("after", "--upload-pack=touch /tmp/pwned");
        sendSigned(hook, UUID.randomUUID().toString()).statusCode(422).body("errors[0].field", equalTo("after"));
        ((ObjectNode) hook.path("repository")).put("id", "rad:../../etc");
        sendSigned(hook, UUID.randomUUID().toString())
                .statusCode(422)
                .body("errors[0].field", equalTo("repository.id"));
    }

    @Test
    void whatNoWorkflowRunsOnIsAcknowledgedWithTheReason() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String commit = repo.commit(
                "master",
                Map.of(".forge/workflows/ci.yaml", PUSH_WORKFLOW.replace("[master, 'release/**']", "[main]")),
                "ci");
        sendSigned(push(rid, commit), UUID.randomUUID().toString())
                .statusCode(200)
                .body("runs", hasSize(0))
                .body("ignored", equalTo("no workflow runs on this push"))
                .body("skipped[0].file", equalTo(".forge/workflows/ci.yaml"))
                .body("skipped[0].reason", equalTo("its `on.push.branches` [main] do not match branch `master`"));

        String bare = TestEnvironment.newRepositoryId();
        String readme =
                BareRepo.create(gateway.root(), bare).commit("master", Map.of("README.md", "no CI here"), "readme");
        sendSigned(push(bare, readme), UUID.randomUUID().toString())
                .statusCode(200)
                .body("runs", hasSize(0))
                .body(
                        "ignored",
                        equalTo(bare + " has no workflow at commit " + readme
                                + ": add a file .forge/workflows/<name>.yml or .github/workflows/<name>.yml"));

        ObjectNode deleted = push(rid, "0000000000000000000000000000000000000000");
        sendSigned(deleted, UUID.randomUUID().toString())
                .statusCode(200)
                .body("ignored", equalTo("the push deleted branch master; there is nothing to run"));

        ObjectNode merged = Fixtures.json("webhook-patch.json");
        aim(merged, rid);
        ((ObjectNode) merged.path("patch").path("state")).put("status", "merged");
        sendSigned(merged, UUID.randomUUID().toString())
                .statusCode(200)
                .body(
                        "ignored",
                        equalTo(
                                "patch 731309bf14ee65adb1287a45121b016ee3a06f03 is merged; only open patches start runs"));

        byte[] issue = Fixtures.serialize(push(rid, commit));
        send(
                        issue,
                        Map.of(
                                "X-Hub-Signature-256",
                                Fixtures.sign(issue),
                                "x-radicle-event-type",
                                "issue",
                                "X-Request-UUID",
                                UUID.randomUUID().toString()))
                .statusCode(200)
                .body("ignored", equalTo("`issue` events do not start runs; only push and patch do"))
                .body("commit", nullValue());
        assertThat(runRequested.matching(
                        r -> r.value().contains(rid) || r.value().contains(bare)))
                .isEmpty();
    }

    @Test
    void urlsOffTheAllowlistAndOversizedBodiesAreRefused() {
        ObjectNode hook = push(TestEnvironment.newRepositoryId(), "765823c686caa89db0b76c19595189ac1fde4e8e");
        hook.put("commit_status_url", "http://169.254.169.254/latest/meta-data");
        sendSigned(hook, UUID.randomUUID().toString())
                .statusCode(403)
                .body(
                        "detail",
                        equalTo(
                                "commit_status_url: http://169.254.169.254:80 is not one of the seeds this server may contact"));

        byte[] huge = ("{\"padding\":\"" + "x".repeat(1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        send(huge, Map.of("X-Hub-Signature-256", Fixtures.sign(huge)))
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:payload-too-large"));

        // Beyond what the HTTP layer buffers at all: refused before the body is read, still as a problem.
        byte[] huger = new byte[3 * 1024 * 1024];
        send(huger, Map.of("X-Hub-Signature-256", Fixtures.sign(huger)))
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:forge-ci:problem:payload-too-large"));

        byte[] notJson = "this is not json".getBytes(StandardCharsets.UTF_8);
        send(notJson, Map.of("X-Hub-Signature-256", Fixtures.sign(notJson)))
                .statusCode(400)
                .body("type", equalTo("urn:forge-ci:problem:malformed-body"));
    }

    // ----------------------------------------------------------------------------------------------

    /** The push fixture aimed at a repository of the local seed, everything else as Radicle sent it. */
    private ObjectNode push(String rid, String commit) {
        ObjectNode hook = Fixtures.json("webhook-push.json");
        aim(hook, rid);
        hook.put("after", commit);
        ((ObjectNode) hook.path("commits").get(0)).put("id", commit);
        return hook;
    }

    private void aim(ObjectNode hook, String rid) {
        ObjectNode repository = (ObjectNode) hook.path("repository");
        repository.put("id", rid);
        repository.put("clone_url", TestEnvironment.cloneUrl(gateway, rid));
        hook.put("commit_status_url", receiver.url() + "/api/commit-status");
    }

    private static Map<String, String> withFreshDelivery(Map<String, String> headers) {
        Map<String, String> fresh = new LinkedHashMap<>(headers);
        fresh.put("X-Request-UUID", UUID.randomUUID().toString());
        return fresh;
    }

    private static ValidatableResponse sendSigned(ObjectNode hook, String delivery) {
        byte[] body = Fixtures.serialize(hook);
        return send(
                body,
                Map.of(
                        "X-Request-UUID",
                        delivery,
                        "X-Hub-Signature-256",
                        Fixtures.sign(body),
                        "x-radicle-event-type",
                        hook.has("patch") ? "patch" : "push"));
    }

    static ValidatableResponse send(byte[] body, Map<String, String> headers) {
        RequestSpecification request = given().contentType("application/json").body(body);
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                request.header(name, value);
            }
        });
        return request.when().post("/api/hooks/radicle").then();
    }
}
