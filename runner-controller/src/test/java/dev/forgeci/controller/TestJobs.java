package dev.forgeci.controller;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.controller.events.Topics;
import dev.forgeci.testkit.KafkaTestClient;

/**
 * Builds job-dispatched records as the scheduler sends them (plain maps, so the wire format is
 * written out here rather than borrowed from the code under test).
 */
final class TestJobs {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private TestJobs() {}

    /** A fresh ULID-shaped run id, so tests sharing the broker never read each other's records. */
    static String runId() {
        StringBuilder id = new StringBuilder("01");
        while (id.length() < 26) {
            id.append(CROCKFORD.charAt(RANDOM.nextInt(CROCKFORD.length())));
        }
        return id.toString();
    }

    /** A repository id the test controller serves (see %test.forge.controller.repository-pattern). */
    static String repositoryId() {
        return repositoryId("rad:zRunnerTest");
    }

    /** A fresh repository id that starts with {@code prefix} (a controller's repository pattern). */
    static String repositoryId(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 12; i++) {
            id.append(BASE58.charAt(RANDOM.nextInt(BASE58.length())));
        }
        return id.toString();
    }

    static Step step(int index, String name, String run) {
        return new Step(index, name, run);
    }

    /** A step of a normalized job, with the defaults trigger-service fills in. */
    static final class Step {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        Step(int index, String name, String run) {
            fields.put("index", index);
            fields.put("name", name);
            fields.put("run", run);
            fields.put("shell", "bash");
            fields.put("workingDirectory", "");
            fields.put("env", Map.of());
            fields.put("timeoutMinutes", 360);
            fields.put("continueOnError", false);
            fields.put("if", "success");
        }

        Step with(String field, Object value) {
            fields.put(field, value);
            return this;
        }

        Map<String, Object> toMap() {
            return fields;
        }
    }

    /** A dispatch of one job; {@code with} overrides a field of the dispatch, {@code withJob} one of the job. */
    static final class Dispatch {
        final String runId;
        final String jobId;
        final int attempt;
        private final Map<String, Object> fields = new LinkedHashMap<>();
        private final Map<String, Object> job = new LinkedHashMap<>();

        Dispatch(String jobId, int attempt, String repositoryId, Step... steps) {
            this(runId(), jobId, attempt, repositoryId, steps);
        }

        /** This attempt's job-finished, once {@code watcher} (of job-events) has seen it. */
        JsonNode awaitFinished(KafkaTestClient.Watcher watcher, Duration timeout) {
            return watcher.awaitOne(
                            seen -> Topics.JOB_EVENTS.equals(seen.topic())
                                    && runId.equals(seen.key())
                                    && jobId.equals(seen.json().path("jobId").asText())
                                    && seen.json().path("attempt").asInt() == attempt
                                    && "job-finished"
                                            .equals(seen.json().path("type").asText()),
                            timeout)
                    .json();
        }

        private Dispatch(String runId, String jobId, int attempt, String repositoryId, Step... steps) {
            this.runId = runId;
            this.jobId = jobId;
            this.attempt = attempt;
            fields.put("runId", runId);
            fields.put("jobId", jobId);
            fields.put("attempt", attempt);
            fields.put("dispatchedAt", java.time.Instant.now().toString());
            fields.put("repository", Map.of("id", repositoryId, "name", "runner-test"));
            fields.put("trusted", true);
            fields.put("workflow", "Runner test");
            job.put("id", jobId);
            job.put("name", jobId);
            job.put("needs", List.of());
            job.put("if", "success");
            job.put("timeoutMinutes", 360);
            job.put("continueOnError", false);
            job.put("env", Map.of());
            job.put("secrets", List.of());
            List<Map<String, Object>> stepMaps = new ArrayList<>();
            for (Step step : steps) {
                stepMaps.add(step.toMap());
            }
            job.put("steps", stepMaps);
        }

        /** Another job of the same run: its records share the run's partitions, so they come after this one's. */
        Dispatch sameRun(String otherJobId, Step... steps) {
            @SuppressWarnings("unchecked")
            Map<String, Object> repository = (Map<String, Object>) fields.get("repository");
            return new Dispatch(runId, otherJobId, 1, (String) repository.get("id"), steps);
        }

        Dispatch checkout(String cloneUrl, String commit, String ref) {
            fields.put("cloneUrl", cloneUrl);
            fields.put("commit", commit);
            fields.put("ref", ref);
            return this;
        }

        Dispatch with(String field, Object value) {
            fields.put(field, value);
            return this;
        }

        Dispatch withJob(String field, Object value) {
            job.put(field, value);
            return this;
        }

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>(fields);
            map.put("job", job);
            return map;
        }
    }
}
