package dev.forgeci.trigger.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.PrivateRedisResource;
import dev.forgeci.testkit.RedisServerProcess;
import dev.forgeci.trigger.Fixtures;
import dev.forgeci.trigger.TestEnvironment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Without Redis a redelivery cannot be recognised and a run cannot be numbered ({@code github.run_number}),
 * so triggers start nothing and ask to be sent again; once Redis is back they are accepted.
 */
@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
@QuarkusTestResource(value = PrivateRedisResource.class, restrictToAnnotatedClass = true)
class RedisOutageTest {

    RedisServerProcess redis;
    GitGateway gateway;

    @Test
    void aWebhookIs503WhileRedisIsGoneAndAcceptedOnceItIsBack() {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid)
                .commit("master", Map.of(".forge/workflows/ci.yaml", Fixtures.SEED_WORKFLOW), "ci");
        ObjectNode hook = Fixtures.json("webhook-push.json");
        ((ObjectNode) hook.path("repository")).put("id", rid).put("clone_url", TestEnvironment.cloneUrl(gateway, rid));
        hook.put("after", commit).remove("commit_status_url");
        byte[] body = Fixtures.serialize(hook);
        Map<String, String> headers =
                Map.of("X-Request-UUID", UUID.randomUUID().toString(), "X-Hub-Signature-256", Fixtures.sign(body));

        redis.kill();
        try {
            RadicleWebhookTest.send(body, headers)
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "10")
                    .body("type", equalTo("urn:forge-ci:problem:store-unavailable"));
            ManualTriggerTest.trigger(Map.of("repository", rid, "commit", commit, "workflow", Fixtures.SEED_WORKFLOW))
                    .statusCode(503)
                    .header("Retry-After", "10")
                    .body("type", equalTo("urn:forge-ci:problem:store-unavailable"));
        } finally {
            redis.startAgain();
        }
        ManualTriggerTest.trigger(Map.of("repository", rid, "commit", commit, "workflow", Fixtures.SEED_WORKFLOW))
                .statusCode(202);
        RadicleWebhookTest.send(body, headers).statusCode(202).body("runs", hasSize(1));
        RadicleWebhookTest.send(body, headers).statusCode(202).body("runs", hasSize(1));
    }
}
