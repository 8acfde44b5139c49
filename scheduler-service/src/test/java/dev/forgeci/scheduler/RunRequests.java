package dev.forgeci.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.scheduler.runs.RunIds;

/** Builds run-requested records as trigger-service publishes them, for repositories only these tests use. */
final class RunRequests {

    static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode request = JSON.createObjectNode();
    private final ArrayNode jobs;

    private RunRequests(String repository, String kind) {
        String runId = RunIds.next(Instant.now());
        request.put("runId", runId);
        request.put("requestedAt", Instant.now().toString());
        ObjectNode trigger = request.putObject("trigger");
        trigger.put("kind", kind);
        trigger.put("actor", "did:key:z6MkTest");
        trigger.put("trusted", true);
        trigger.put("requestId", UUID.randomUUID().toString());
        trigger.putNull("rerunOf");
        trigger.put("statusUrl", "http://127.0.0.1:1/status/" + runId);
        trigger.put("statusContext", "forge-ci/test");
        ObjectNode repo = request.putObject("repository");
        repo.put("id", repository);
        repo.put("name", "scheduler-test");
        request.put("commit", "0123456789abcdef0123456789abcdef01234567");
        request.put("ref", "refs/heads/main");
        request.put("cloneUrl", "http://127.0.0.1:1/" + repository.substring(4) + ".git");
        ObjectNode workflow = request.putObject("workflow");
        workflow.put("name", "Build and Test");
        workflow.put("file", ".forge/workflows/build.yaml");
        workflow.putNull("concurrency");
        jobs = workflow.putArray("jobs");
    }

    /** A repository id of its own for one test, matched by the test profile's repository filter. */
    static String newRepository() {
        return "rad:zSchedTest" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static RunRequests push(String repository) {
        return new RunRequests(repository, "push");
    }

    static RunRequests of(String repository, String kind) {
        return new RunRequests(repository, kind);
    }

    /** A job with two steps. */
    RunRequests job(String id, String condition, String... needs) {
        ObjectNode job = jobs.addObject();
        job.put("id", id);
        job.put("name", id);
        ArrayNode needed = job.putArray("needs");
        for (String need : needs) {
            needed.add(need);
        }
        job.put("if", condition);
        job.put("timeoutMinutes", 360);
        job.put("continueOnError", false);
        job.putObject("env").put("CI", "true");
        job.putArray("secrets");
        ArrayNode steps = job.putArray("steps");
        for (int i = 0; i < 2; i++) {
            ObjectNode step = steps.addObject();
            step.put("index", i);
            step.put("name", id + " step " + i);
            step.put("run", "echo " + id + " " + i);
            step.put("shell", "bash");
            step.putObject("env");
            step.put("timeoutMinutes", 360);
            step.put("continueOnError", false);
            step.put("if", "success");
        }
        return this;
    }

    RunRequests job(String id) {
        return job(id, "success");
    }

    RunRequests timeoutMinutes(String jobId, double minutes) {
        for (var job : jobs) {
            if (job.path("id").asText().equals(jobId)) {
                ((ObjectNode) job).put("timeoutMinutes", minutes);
            }
        }
        return this;
    }

    /** A run of someone who is not a delegate, which the trigger-service asked to wait for approval. */
    /** A non-delegate's patch where the operator lets such runs go without approval (run-without-secrets). */
    RunRequests untrusted() {
        ((ObjectNode) request.get("trigger")).put("trusted", false);
        return this;
    }

    RunRequests untrustedAwaitingApproval() {
        ((ObjectNode) request.get("trigger")).put("trusted", false).put("awaitsApproval", true);
        return this;
    }

    RunRequests commit(String commit) {
        request.put("commit", commit);
        return this;
    }

    RunRequests concurrency(String group, boolean cancelInProgress) {
        ObjectNode concurrency = ((ObjectNode) request.get("workflow")).putObject("concurrency");
        concurrency.put("group", group);
        concurrency.put("cancelInProgress", cancelInProgress);
        return this;
    }

    String runId() {
        return request.get("runId").asText();
    }

    ObjectNode json() {
        return request;
    }

    static List<String> ids(List<RunRequests> runs) {
        List<String> ids = new ArrayList<>();
        runs.forEach(run -> ids.add(run.runId()));
        return ids;
    }

    static Map<String, Object> asMap(ObjectNode node) {
        return JSON.convertValue(node, Map.class);
    }
}
