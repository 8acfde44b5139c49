package dev.forgeci.acceptance;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.LogFollower;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** What a user of Forge CI does, through the public interface only. */
final class Forge {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> TERMINAL = Set.of("success", "failure", "cancelled", "error");
    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Forge() {}

    /** A fresh repository id, as Radicle makes them (rad:z + base58). */
    static String newRepositoryId() {
        StringBuilder rid = new StringBuilder("rad:z");
        for (int i = 0; i < 28; i++) {
            rid.append(BASE58.charAt(RANDOM.nextInt(BASE58.length())));
        }
        return rid.toString();
    }

    /** A repository on the seed and the one commit it holds, a README saying {@code what}. */
    record Pushed(String rid, String commit) {}

    static Pushed newRepositoryWithACommit(String what) {
        String rid = newRepositoryId();
        return new Pushed(rid, repository(rid).commit(Map.of("README.md", what + "\n"), what));
    }

    /** A repository on the stack's seed. */
    static BareRepo repository(String rid) {
        return BareRepo.create(ForgeStack.get().gateway.root(), rid);
    }

    static String cloneUrl(String rid) {
        return ForgeStack.get().gateway.url() + "/" + rid.replaceFirst("^rad:", "") + ".git";
    }

    /** POST /api/triggers; returns the run ids, one per workflow that runs. */
    static List<String> trigger(String rid, String commit, String inlineWorkflow) {
        Map<String, Object> body = inlineWorkflow == null
                ? Map.of("repository", rid, "commit", commit)
                : Map.of("repository", rid, "commit", commit, "workflow", inlineWorkflow);
        JsonNode answer = readJson(postTrigger(body).statusCode(202).extract().asString());
        return answer.path("runs").findValuesAsText("runId");
    }

    /** POST /api/triggers with the stack's token, whatever it answers. */
    static ValidatableResponse postTrigger(Map<String, Object> body) {
        return given().baseUri(ForgeStack.get().trigger.baseUrl())
                .auth()
                .oauth2(ForgeStack.TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/triggers")
                .then();
    }

    static String triggerOne(String rid, String commit, String inlineWorkflow) {
        List<String> runs = trigger(rid, commit, inlineWorkflow);
        if (runs.size() != 1) {
            throw new AssertionError("expected one run, got " + runs);
        }
        return runs.get(0);
    }

    /** A viewer of the run as the IDE is: from its start to its end frame, reconnecting with its cursor. */
    static LogFollower follow(String runId) {
        return LogFollower.follow(ForgeStack.get().logs.baseUrl(), runId, ForgeStack.TOKEN);
    }

    /** GET /api/runs/{runId}, as the scheduler reports it. */
    static JsonNode run(String runId) {
        return readJson(given().baseUri(ForgeStack.get().scheduler.baseUrl())
                .auth()
                .oauth2(ForgeStack.TOKEN)
                .when()
                .get("/api/runs/" + runId)
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    static JsonNode awaitRun(String runId, Duration timeout) {
        await("run " + runId + " ends")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> TERMINAL.contains(run(runId).path("status").asText()));
        return run(runId);
    }

    static JsonNode job(JsonNode run, String jobId) {
        for (JsonNode job : run.path("jobs")) {
            if (job.path("jobId").asText().equals(jobId)) {
                return job;
            }
        }
        throw new AssertionError("no job " + jobId + " in " + run);
    }

    static void cancel(String runId) {
        given().baseUri(ForgeStack.get().scheduler.baseUrl())
                .auth()
                .oauth2(ForgeStack.TOKEN)
                .when()
                .post("/api/runs/" + runId + "/cancel")
                .then()
                .statusCode(202);
    }

    /** Approves a run that waits (an untrusted patch) as the stack's operator; the scheduler's answer. */
    static JsonNode approve(String runId) {
        return readJson(given().baseUri(ForgeStack.get().scheduler.baseUrl())
                .auth()
                .oauth2(ForgeStack.TOKEN)
                .when()
                .post("/api/runs/" + runId + "/approve")
                .then()
                .statusCode(202)
                .extract()
                .asString());
    }

    /** GET /api/logs/{runId}: the whole log as text, ANSI stripped. */
    static String logText(String runId) {
        return given().baseUri(ForgeStack.get().logs.baseUrl())
                .auth()
                .oauth2(ForgeStack.TOKEN)
                .queryParam("ansi", false)
                .when()
                .get("/api/logs/" + runId)
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    /** POSTs a Radicle webhook signed like a Radicle node would sign it; returns the answer's JSON. */
    static JsonNode webhook(String eventType, JsonNode payload, int expectedStatus) {
        byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
        return readJson(given().baseUri(ForgeStack.get().trigger.baseUrl())
                .header("x-radicle-event-type", eventType)
                .header("X-Request-UUID", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", "sha256=" + hmac(ForgeStack.WEBHOOK_SECRET, body))
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/api/hooks/radicle")
                .then()
                .statusCode(expectedStatus)
                .extract()
                .asString());
    }

    static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** A Radicle payload sample, as trigger-service's tests keep it byte for byte. */
    static ObjectNode fixture(String name) {
        try {
            return (ObjectNode) JSON.readTree(ForgeStack.get()
                    .repoRoot
                    .resolve("trigger-service/src/test/resources/radicle/" + name)
                    .toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes a webhook sample name this stack's repository, commit, seed and status receiver. */
    static void pointAtStack(ObjectNode webhook, String rid, String commit) {
        ObjectNode repository = (ObjectNode) webhook.path("repository");
        repository.put("id", rid);
        repository.put("clone_url", cloneUrl(rid));
        repository.put("url", ForgeStack.get().gateway.url() + "/" + rid);
        webhook.put("after", commit);
        if (webhook.path("commits").isArray()
                && webhook.path("commits").size() > 0
                && webhook.path("commits").get(0).has("id")) {
            ((ObjectNode) webhook.path("commits").get(0)).put("id", commit);
        }
        webhook.put("commit_status_url", ForgeStack.get().statuses.url() + "/api/commit-status");
    }
}
