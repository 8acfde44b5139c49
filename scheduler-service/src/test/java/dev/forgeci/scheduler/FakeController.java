package dev.forgeci.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.TestInfra;

/**
 * Plays a runner-controller on the real broker for the runs a test registers: sees their
 * job-dispatched and job-cancel-requested records and answers with job-events (and heartbeats),
 * either by itself (an autopilot decides each job's outcome) or step by step from the test.
 */
final class FakeController implements AutoCloseable {

    /** What the autopilot does with a dispatched job: nothing (the test drives it), or finish it so. */
    static final String HOLD = null;

    record Attempt(String runId, String jobId, int attempt) {}

    private final KafkaProducer<String, String> producer;
    private final String controllerId = "fake-" + UUID.randomUUID().toString().substring(0, 8);
    private final Set<String> runs = ConcurrentHashMap.newKeySet();
    private final List<JsonNode> dispatched = new CopyOnWriteArrayList<>();
    private final List<JsonNode> cancels = new CopyOnWriteArrayList<>();
    private final Map<Attempt, AtomicLong> seqs = new ConcurrentHashMap<>();
    private final Set<Attempt> holding = ConcurrentHashMap.newKeySet();
    private final Set<Attempt> taken = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> firstDispatchTimestamps = new ConcurrentHashMap<>();
    private final AtomicInteger redelivered = new AtomicInteger();
    private final AtomicInteger maxHolding = new AtomicInteger();
    private final KafkaTestClient kafka;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    private volatile Function<JsonNode, String> autopilot = job -> HOLD;
    private volatile boolean honourCancels = true;

    FakeController() {
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        // Sends without waiting, like a real controller; one producer keeps each run's events in order.
        producer = new KafkaProducer<>(producerProps);
        kafka = new KafkaTestClient();
        kafka.watch(this::handle, Topics.JOB_DISPATCHED, Topics.JOB_DISPATCHED_UNTRUSTED, Topics.JOB_CANCEL_REQUESTED);
    }

    FakeController autopilot(Function<JsonNode, String> decide) {
        this.autopilot = decide;
        return this;
    }

    /** Whether a cancel of a held job is answered with job-finished `cancelled` (a live controller does). */
    FakeController honourCancels(boolean honour) {
        this.honourCancels = honour;
        return this;
    }

    /** Sends a heartbeat listing the held jobs at this interval. */
    FakeController heartbeatEvery(Duration interval) {
        heartbeats.scheduleAtFixedRate(this::heartbeat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    void register(String runId) {
        runs.add(runId);
    }

    Set<String> registered() {
        return Set.copyOf(runs);
    }

    String id() {
        return controllerId;
    }

    List<JsonNode> dispatched() {
        return dispatched.stream()
                .filter(d -> runs.contains(d.path("runId").asText()))
                .toList();
    }

    List<JsonNode> dispatched(String runId) {
        return dispatched.stream()
                .filter(d -> d.path("runId").asText().equals(runId))
                .toList();
    }

    List<JsonNode> cancels(String runId) {
        return cancels.stream()
                .filter(c -> c.path("runId").asText().equals(runId))
                .toList();
    }

    /** Jobs dispatched and not finished by this controller (what a slot-counting test checks). */
    Set<Attempt> holding() {
        return Set.copyOf(holding);
    }

    /** When the broker got the run's first job-dispatched (producer time), by run id. */
    Long firstDispatchTimestamp(String runId) {
        return firstDispatchTimestamps.get(runId);
    }

    /** Dispatch records seen again for an attempt already taken. */
    int redelivered() {
        return redelivered.get();
    }

    /** The most jobs this controller held at once: dispatched to it and not yet finished. */
    int maxHolding() {
        return maxHolding.get();
    }

    /** Finishes the held job that was dispatched first; false when none is held. */
    boolean finishOldest(String status) {
        for (JsonNode job : dispatched) {
            Attempt attempt = new Attempt(
                    job.path("runId").asText(),
                    job.path("jobId").asText(),
                    job.path("attempt").asInt());
            if (holding.contains(attempt)) {
                runToEnd(attempt.runId(), attempt.jobId(), attempt.attempt(), status);
                return true;
            }
        }
        return false;
    }

    void start(String runId, String jobId, int attempt) {
        send(runId, jobId, attempt, "job-started", event -> event);
    }

    void finish(String runId, String jobId, int attempt, String status) {
        Attempt key = new Attempt(runId, jobId, attempt);
        holding.remove(key);
        send(runId, jobId, attempt, "job-finished", event -> {
            event.put("status", status);
            event.put("exitCode", "success".equals(status) ? 0 : "failure".equals(status) ? 1 : 137);
            event.put("reason", "success".equals(status) ? null : "the test said " + status);
            event.put("logChunks", 3);
            event.put("logLines", 12);
            return event;
        });
    }

    /** job-started, both steps, job-finished. */
    void runToEnd(String runId, String jobId, int attempt, String status) {
        start(runId, jobId, attempt);
        for (int step = 0; step < 2; step++) {
            int index = step;
            String stepStatus = step == 1 ? status : "success";
            send(runId, jobId, attempt, "step-started", event -> stepOf(event, index, "running", null));
            send(
                    runId,
                    jobId,
                    attempt,
                    "step-finished",
                    event -> stepOf(event, index, stepStatus, "success".equals(stepStatus) ? 0 : 1));
        }
        finish(runId, jobId, attempt, status);
    }

    /** Sends an event again with a seq already used: what a redelivery looks like. */
    void resend(String runId, String jobId, int attempt, String type, long seq, String status) {
        ObjectNode event = base(runId, jobId, attempt, type, seq);
        if (status != null) {
            event.put("status", status);
            event.put("logChunks", 3);
        }
        publish(Topics.JOB_EVENTS, runId, event);
    }

    private void handle(KafkaTestClient.Seen record) {
        JsonNode event = record.json();
        if (event == null) {
            return;
        }
        String runId = event.path("runId").asText();
        Attempt attempt = new Attempt(
                runId, event.path("jobId").asText(), event.path("attempt").asInt());
        if (!runs.contains(runId)) {
            // A run the test registers only after the scheduler answered (a re-run): seen, not acted on.
            if (Topics.isJobDispatched(record.topic()) && taken.add(attempt)) {
                dispatched.add(event);
            }
            return;
        }
        if (record.topic().equals(Topics.JOB_CANCEL_REQUESTED)) {
            cancels.add(event);
            if (honourCancels && holding.contains(attempt)) {
                finish(runId, attempt.jobId(), attempt.attempt(), "cancelled");
            }
            return;
        }
        if (!taken.add(attempt)) {
            // A controller recognises a redelivered dispatch by run, job and attempt, and runs it once.
            redelivered.incrementAndGet();
            return;
        }
        dispatched.add(event);
        firstDispatchTimestamps.putIfAbsent(runId, record.timestamp());
        String outcome = autopilot.apply(event);
        if (outcome == HOLD) {
            holding.add(attempt);
            maxHolding.accumulateAndGet(holding.size(), Math::max);
        } else {
            runToEnd(runId, attempt.jobId(), attempt.attempt(), outcome);
        }
    }

    private void heartbeat() {
        ObjectNode heartbeat = RunRequests.JSON.createObjectNode();
        heartbeat.put("controllerId", controllerId);
        heartbeat.put("at", Instant.now().toString());
        heartbeat.put("capacity", 5);
        var running = heartbeat.putArray("running");
        for (Attempt attempt : holding) {
            running.addObject()
                    .put("runId", attempt.runId())
                    .put("jobId", attempt.jobId())
                    .put("attempt", attempt.attempt());
        }
        publish(Topics.CONTROLLER_HEARTBEATS, controllerId, heartbeat);
    }

    private void send(String runId, String jobId, int attempt, String type, Function<ObjectNode, ObjectNode> fill) {
        long seq = seqs.computeIfAbsent(new Attempt(runId, jobId, attempt), a -> new AtomicLong())
                .incrementAndGet();
        publish(Topics.JOB_EVENTS, runId, fill.apply(base(runId, jobId, attempt, type, seq)));
    }

    /** Publishes run requests as fast as the producer takes them (a burst of pushes). */
    void publishAll(String topic, List<RunRequests> requests) {
        requests.forEach(run -> publish(topic, run.runId(), run.json()));
        producer.flush();
    }

    private void publish(String topic, String key, ObjectNode value) {
        producer.send(new ProducerRecord<>(topic, key, value.toString()));
    }

    private ObjectNode base(String runId, String jobId, int attempt, String type, long seq) {
        ObjectNode event = RunRequests.JSON.createObjectNode();
        event.put("type", type);
        event.put("runId", runId);
        event.put("jobId", jobId);
        event.put("attempt", attempt);
        event.put("seq", seq);
        event.put("controllerId", controllerId);
        event.put("at", Instant.now().toString());
        return event;
    }

    private static ObjectNode stepOf(ObjectNode event, int index, String status, Integer exitCode) {
        ObjectNode step = event.putObject("step");
        step.put("index", index);
        step.put("name", "step " + index);
        step.put("status", status);
        if (exitCode != null) {
            step.put("exitCode", exitCode);
            step.put("durationMs", 5);
        }
        return event;
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        kafka.close();
        producer.close(Duration.ofSeconds(5));
    }
}
