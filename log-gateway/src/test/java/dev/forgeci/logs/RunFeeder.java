package dev.forgeci.logs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.forgeci.testkit.KafkaTestClient;

/**
 * Plays the scheduler and a runner-controller for one run: produces its run-events, job-events and
 * job-log-chunks on the real broker, as the README's Events table describes them.
 */
final class RunFeeder {

    final String runId;
    private final KafkaTestClient kafka;
    private final Map<String, Long> chunkSeq = new HashMap<>();
    private final Map<String, Long> lineNo = new HashMap<>();
    private final Map<String, Long> eventSeq = new HashMap<>();
    private long runSeq;

    RunFeeder(KafkaTestClient kafka) {
        this(kafka, RunIds.next());
    }

    RunFeeder(KafkaTestClient kafka, String runId) {
        this.kafka = kafka;
        this.runId = runId;
    }

    /** Waits until the gateway under test (this JVM's @QuarkusTest) owns the partitions of its three topics. */
    static void awaitGatewayConsumer(KafkaTestClient kafka) {
        String group =
                ConfigProvider.getConfig().getValue("mp.messaging.connector.smallrye-kafka.group.id", String.class);
        kafka.awaitAssigned(group, Duration.ofSeconds(30), "job-log-chunks", "job-events", "run-events");
    }

    RunFeeder run(String status) {
        Map<String, Object> event = runEvent(status);
        kafka.sendJson("run-events", runId, event);
        return this;
    }

    /** A run event with the scheduler's reason, as for a run that waits for approval. */
    RunFeeder run(String status, String reason) {
        Map<String, Object> event = runEvent(status);
        event.put("reason", reason);
        kafka.sendJson("run-events", runId, event);
        return this;
    }

    /** A terminal run event listing each job's last chunk (attempt 1). */
    RunFeeder runFinished(String status, Map<String, Long> logChunksByJob) {
        Map<String, Object> event = runEvent(status);
        List<Map<String, Object>> jobs = new ArrayList<>();
        logChunksByJob.forEach(
                (job, chunks) -> jobs.add(Map.of("jobId", job, "attempt", 1, "status", status, "logChunks", chunks)));
        event.put("jobs", jobs);
        event.put("finishedAt", Instant.now().toString());
        kafka.sendJson("run-events", runId, event);
        return this;
    }

    RunFeeder jobStarted(String job) {
        return jobEvent(job, "job-started", Map.of());
    }

    RunFeeder stepStarted(String job, int index, String name) {
        return stepEvent(job, "step-started", step(index, name, "running"));
    }

    RunFeeder stepFinished(String job, int index, String name, String status, int exitCode) {
        Map<String, Object> step = step(index, name, status);
        step.put("exitCode", exitCode);
        step.put("finishedAt", Instant.now().toString());
        step.put("durationMs", 5);
        return stepEvent(job, "step-finished", step);
    }

    private static Map<String, Object> step(int index, String name, String status) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("index", index);
        step.put("name", name);
        step.put("status", status);
        step.put("startedAt", Instant.now().toString());
        return step;
    }

    private RunFeeder stepEvent(String job, String type, Map<String, Object> step) {
        return jobEvent(job, type, Map.of("step", step));
    }

    RunFeeder jobFinished(String job, String status, int exitCode) {
        return jobFinished(job, status, exitCode, chunkSeq.getOrDefault(job, 0L));
    }

    /** A job-finished that counts chunks not produced yet (they are still on their way on another topic). */
    RunFeeder jobFinished(String job, String status, int exitCode, long logChunks) {
        return jobEvent(
                job,
                "job-finished",
                Map.of("status", status, "exitCode", exitCode, "reason", "", "logChunks", logChunks));
    }

    /** Produces {@code count} lines of one step in chunks of {@code perChunk}; line n's text is {@code text(n)}. */
    RunFeeder lines(String job, Integer step, long count, int perChunk, LongFunction<String> text) {
        long produced = 0;
        while (produced < count) {
            int size = (int) Math.min(perChunk, count - produced);
            chunk(job, step, size, text);
            produced += size;
        }
        return this;
    }

    /** One chunk of {@code size} lines; returns its record as sent, for redelivery tests. */
    Map<String, Object> chunk(String job, Integer step, int size, LongFunction<String> text) {
        long first = lineNo.getOrDefault(job, 0L) + 1;
        List<Map<String, Object>> lines = new ArrayList<>(size);
        for (long n = first; n < first + size; n++) {
            Map<String, Object> line = new HashMap<>();
            line.put("step", step);
            line.put("stream", "stdout");
            line.put("text", text.apply(n));
            lines.add(line);
        }
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("runId", runId);
        chunk.put("jobId", job);
        chunk.put("attempt", 1);
        chunk.put("seq", chunkSeq.merge(job, 1L, Long::sum));
        chunk.put("firstLine", first);
        chunk.put("lines", lines);
        chunk.put("at", Instant.now().toString());
        lineNo.put(job, first + size - 1);
        send("job-log-chunks", chunk);
        return chunk;
    }

    void send(String topic, Object record) {
        kafka.sendJson(topic, runId, record);
    }

    long chunks(String job) {
        return chunkSeq.getOrDefault(job, 0L);
    }

    private RunFeeder jobEvent(String job, String type, Map<String, Object> fields) {
        Map<String, Object> event = new LinkedHashMap<>(fields);
        event.put("type", type);
        event.put("runId", runId);
        event.put("jobId", job);
        event.put("attempt", 1);
        event.put("seq", eventSeq.merge(job, 1L, Long::sum));
        event.put("controllerId", "test");
        event.put("at", Instant.now().toString());
        kafka.sendJson("job-events", runId, event);
        return this;
    }

    private Map<String, Object> runEvent(String status) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("runId", runId);
        event.put("seq", ++runSeq);
        event.put("status", status);
        event.put("reason", "");
        event.put("at", Instant.now().toString());
        event.put("repository", Map.of("id", "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5", "name", "heartwood"));
        event.put("commit", "2f1c3e5d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d");
        event.put("ref", "refs/heads/main");
        event.put("workflow", "Build and Test");
        event.put("trigger", Map.of("kind", "manual", "actor", "test"));
        return event;
    }
}
