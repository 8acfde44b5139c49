package dev.forgeci.trigger.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.trigger.Fixtures;
import dev.forgeci.trigger.TestEnvironment;
import dev.forgeci.trigger.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** An operator who runs no patches from non-delegates at all (like forks on GitHub, but stricter). */
@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
@TestProfile(NonDelegatePatchesTest.IgnoreNonDelegatePatches.class)
class NonDelegatePatchesTest {

    public static class IgnoreNonDelegatePatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "forge.patches.non-delegate",
                    "ignore",
                    "forge.patches.repository.\"" + OPEN_REPOSITORY + "\".non-delegate",
                    "run-without-secrets");
        }
    }

    /** The one repository where this operator runs everyone's patches at once (still without secrets). */
    static final String OPEN_REPOSITORY = "rad:z2trustsEveryPatchAuthor99999";

    static final String DELEGATE = "did:key:z6MksFqXN3Yhqk8pTJdUGLwATkRfQvwZXPqR2qMEhbS9wzpT";

    static final KafkaTestClient.Watcher runRequested = TestKafka.runRequested();

    GitGateway gateway;

    @Test
    void aPatchFromANonDelegateStartsNothingAndADelegatesPatchRunsTrusted() {
        String rid = TestEnvironment.newRepositoryId();
        ObjectNode hook = nonDelegatesPatch(rid);
        String head = hook.path("patch").path("after").asText();
        String ignored = "the patch's author is not a delegate of " + rid
                + ", and this server does not run patches from non-delegates";
        send(hook).statusCode(200).body("runs", hasSize(0)).body("ignored", equalTo(ignored));

        ObjectNode broker = Fixtures.json("broker-patch.json");
        ((ObjectNode) broker.path("repository")).put("id", rid);
        ((ObjectNode) broker.path("patch")).put("after", head);
        given().header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .contentType("application/json")
                .body(broker.toString())
                .when()
                .post("/api/hooks/radicle-broker")
                .then()
                .statusCode(200)
                .body("ignored", equalTo(ignored));

        ((ObjectNode) hook.path("patch").path("author")).put("id", DELEGATE).put("alias", "cloudhead");
        JsonNode run = TestKafka.requestedRun(send(hook));
        assertThat(run.path("trigger").path("trusted").asBoolean()).isTrue();
        assertThat(run.path("trigger").path("awaitsApproval").asBoolean()).isFalse();
        assertThat(run.path("ref").asText())
                .isEqualTo("refs/namespaces/z6MksFqXN3Yhqk8pTJdUGLwATkRfQvwZXPqR2qMEhbS9wzpT"
                        + "/refs/heads/patches/731309bf14ee65adb1287a45121b016ee3a06f03");
        assertThat(run.path("workflow").path("jobs").get(0).path("secrets").toString())
                .isEqualTo("[\"NPM_TOKEN\"]");
        assertThat(runRequested.matching(r -> r.value().contains(rid))).hasSize(1);
    }

    @Test
    void aRepositoryOfItsOwnRunsANonDelegatesPatchAtOnceWithoutSecrets() {
        JsonNode run = TestKafka.requestedRun(send(nonDelegatesPatch(OPEN_REPOSITORY)));
        assertThat(run.path("trigger").path("trusted").asBoolean()).isFalse();
        assertThat(run.path("trigger").path("awaitsApproval").asBoolean()).isFalse();
        assertThat(run.path("workflow").path("jobs").get(0).path("secrets").toString())
                .isEqualTo("[]");
    }

    /** The fixture's patch webhook (its author no delegate) for a new repository with a workflow that names a secret. */
    private ObjectNode nonDelegatesPatch(String rid) {
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        repo.commit(
                Map.of(".forge/workflows/ci.yaml", "on: patch\nsecrets: [NPM_TOKEN]\nsteps:\n  - run: npm test\n"),
                "ci");
        String head = repo.commit("patch", Map.of("README.md", "description"), "Add description in README");
        ObjectNode hook = Fixtures.json("webhook-patch.json");
        ((ObjectNode) hook.path("repository")).put("id", rid).put("clone_url", TestEnvironment.cloneUrl(gateway, rid));
        hook.remove("commit_status_url");
        ((ObjectNode) hook.path("patch")).put("after", head);
        return hook;
    }

    private static io.restassured.response.ValidatableResponse send(ObjectNode hook) {
        byte[] body = Fixtures.serialize(hook);
        return RadicleWebhookTest.send(
                body,
                Map.of(
                        "X-Request-UUID",
                        UUID.randomUUID().toString(),
                        "X-Hub-Signature-256",
                        Fixtures.sign(body),
                        "x-radicle-event-type",
                        "patch"));
    }
}
