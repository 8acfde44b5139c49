package dev.forgeci.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;

import dev.forgeci.controller.events.Topics;
import dev.forgeci.controller.infra.DockerClientProducer;
import dev.forgeci.controller.runner.RunnerLabels;
import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.TestInfra;

/**
 * What the controller's tests share: the real broker (dispatch, cancel, and what comes back), the
 * real Docker engine (the controller's runners, by its labels), and a Radicle-style git gateway on
 * the Docker bridge, where runners can reach it. A test class registers one as a static
 * extension; it closes after the class.
 */
final class ControllerHarness implements AfterAllCallback, AutoCloseable {

    private final String[] watched;
    private KafkaTestClient kafka;
    private KafkaTestClient.Watcher watcher;
    private DockerClient docker;
    private GitGateway gateway;
    private boolean listening;

    ControllerHarness() {
        this(Topics.JOB_EVENTS, Topics.JOB_LOG_CHUNKS, Topics.CONTROLLER_HEARTBEATS, Topics.DEAD_LETTERS);
    }

    /** Watches only these topics (a test that reads a huge log itself leaves job-log-chunks out). */
    ControllerHarness(String... watched) {
        this.watched = watched;
    }

    /** Clients are made on first use, inside a test: Kafka's client needs the Quarkus test class loader. */
    synchronized KafkaTestClient kafka() {
        if (kafka == null) {
            kafka = new KafkaTestClient();
            watcher = kafka.watch(watched);
        }
        return kafka;
    }

    KafkaTestClient.Watcher watcher() {
        kafka();
        return watcher;
    }

    synchronized DockerClient docker() {
        if (docker == null) {
            docker = DockerClientProducer.create("unix:///var/run/docker.sock");
        }
        return docker;
    }

    /** Waits (once) until the controller under test owns the partitions of the topics it consumes. */
    synchronized void awaitControllerListening() {
        if (listening) {
            return;
        }
        var config = ConfigProvider.getConfig();
        kafka().awaitAssigned(
                        config.getValue("mp.messaging.connector.smallrye-kafka.group.id", String.class),
                        Duration.ofSeconds(30),
                        Topics.JOB_DISPATCHED);
        kafka().awaitAssigned(
                        config.getValue("mp.messaging.incoming.job-cancel-requested.group.id", String.class),
                        Duration.ofSeconds(30),
                        Topics.JOB_CANCEL_REQUESTED);
        listening = true;
    }

    static String controllerId() {
        return ConfigProvider.getConfig().getValue("forge.controller.id", String.class);
    }

    void dispatch(TestJobs.Dispatch dispatch) {
        awaitControllerListening();
        kafka().sendJson(Topics.JOB_DISPATCHED, dispatch.runId, dispatch.toMap());
    }

    void cancel(TestJobs.Dispatch dispatch, String reason) {
        awaitControllerListening();
        kafka().sendJson(
                        Topics.JOB_CANCEL_REQUESTED,
                        dispatch.runId,
                        Map.of(
                                "runId",
                                dispatch.runId,
                                "jobId",
                                dispatch.jobId,
                                "attempt",
                                dispatch.attempt,
                                "reason",
                                reason,
                                "requestedAt",
                                Instant.now().toString()));
    }

    /** Waits for the attempt's job-finished, then for every log chunk it counts. */
    JobRecord finished(TestJobs.Dispatch dispatch, Duration timeout) {
        JsonNode finished;
        try {
            finished = watcher()
                    .awaitOne(
                            seen -> Topics.JOB_EVENTS.equals(seen.topic())
                                    && isOf(seen.json(), dispatch)
                                    && "job-finished"
                                            .equals(seen.json().path("type").asText()),
                            timeout)
                    .json();
        } catch (ConditionTimeoutException e) {
            JobRecord sofar = record(dispatch);
            throw new AssertionError(
                    "job " + dispatch.jobId + " of run " + dispatch.runId + " did not finish within " + timeout
                            + "; events so far: " + sofar.events() + "\nlog so far:\n"
                            + String.join("\n", sofar.texts()),
                    e);
        }
        long chunks = finished.path("logChunks").asLong();
        watcher()
                .await(
                        seen -> Topics.JOB_LOG_CHUNKS.equals(seen.topic()) && isOf(seen.json(), dispatch),
                        (int) chunks,
                        Duration.ofSeconds(30));
        return record(dispatch);
    }

    /** Everything seen so far about the attempt. */
    JobRecord record(TestJobs.Dispatch dispatch) {
        List<JsonNode> events = ofTopic(Topics.JOB_EVENTS, dispatch);
        List<JsonNode> chunks = ofTopic(Topics.JOB_LOG_CHUNKS, dispatch);
        return new JobRecord(events, chunks);
    }

    JsonNode awaitEvent(TestJobs.Dispatch dispatch, String type, Duration timeout) {
        return watcher()
                .awaitOne(
                        seen -> Topics.JOB_EVENTS.equals(seen.topic())
                                && isOf(seen.json(), dispatch)
                                && type.equals(seen.json().path("type").asText()),
                        timeout)
                .json();
    }

    void awaitLine(TestJobs.Dispatch dispatch, String text, Duration timeout) {
        watcher()
                .awaitOne(
                        seen -> Topics.JOB_LOG_CHUNKS.equals(seen.topic())
                                && isOf(seen.json(), dispatch)
                                && StreamSupport.stream(
                                                seen.json().path("lines").spliterator(), false)
                                        .anyMatch(line ->
                                                line.path("text").asText().contains(text)),
                        timeout);
    }

    /** Runner containers of the controller under test (running or not). */
    List<Container> runners() {
        return docker().listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(RunnerLabels.CONTROLLER_ID, controllerId()))
                .exec();
    }

    List<String> runnerVolumes() {
        var volumes = docker().listVolumesCmd()
                .withFilter("label", List.of(RunnerLabels.CONTROLLER_ID + "=" + controllerId()))
                .exec()
                .getVolumes();
        return volumes == null
                ? List.of()
                : volumes.stream().map(v -> v.getName()).toList();
    }

    List<Container> runnersOf(TestJobs.Dispatch dispatch) {
        return runners().stream()
                .filter(c -> dispatch.runId.equals(c.getLabels().get(RunnerLabels.RUN_ID)))
                .toList();
    }

    /** A bare repository served at {@code <gateway>/<rid without rad:>.git}. */
    BareRepo repository(String rid) {
        return BareRepo.create(gateway().root(), rid);
    }

    String cloneUrl(String rid) {
        return gateway().url() + "/" + rid.substring("rad:".length()) + ".git";
    }

    /** Bound to the Docker bridge's host address: that is where runners reach this machine. */
    synchronized GitGateway gateway() {
        if (gateway == null) {
            try {
                gateway = GitGateway.start(
                        Files.createTempDirectory("forge-runner-repos"), TestInfra.dockerBridgeAddress(), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return gateway;
    }

    private List<JsonNode> ofTopic(String topic, TestJobs.Dispatch dispatch) {
        List<JsonNode> records = new ArrayList<>(
                watcher().matching(seen -> topic.equals(seen.topic()) && isOf(seen.json(), dispatch)).stream()
                        .map(KafkaTestClient.Seen::json)
                        .toList());
        records.sort(Comparator.comparingLong(node -> node.path("seq").asLong()));
        return records;
    }

    private static boolean isOf(JsonNode json, TestJobs.Dispatch dispatch) {
        return json != null
                && dispatch.runId.equals(json.path("runId").asText())
                && dispatch.jobId.equals(json.path("jobId").asText())
                && dispatch.attempt == json.path("attempt").asInt();
    }

    /** A consumer of job-log-chunks that reads only what is published from now on. */
    static KafkaConsumer<String, String> chunksFromNow() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.JOB_LOG_CHUNKS)
                .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public synchronized void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (docker != null) {
            try {
                docker.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** What the broker holds about one attempt: its events and its log chunks, each in seq order. */
    record JobRecord(List<JsonNode> events, List<JsonNode> chunks) {

        JsonNode finished() {
            return events.stream()
                    .filter(e -> "job-finished".equals(e.path("type").asText()))
                    .findFirst()
                    .orElseThrow();
        }

        String status() {
            return finished().path("status").asText();
        }

        String reason() {
            return finished().path("reason").asText(null);
        }

        List<JsonNode> lines() {
            List<JsonNode> lines = new ArrayList<>();
            chunks.forEach(chunk -> chunk.path("lines").forEach(lines::add));
            return lines;
        }

        List<String> texts() {
            return lines().stream().map(line -> line.path("text").asText()).toList();
        }

        /** The lines of one step (null: set-up and the controller's own lines). */
        List<String> texts(Integer step) {
            return lines().stream()
                    .filter(line -> step == null
                            ? line.path("step").isNull()
                            : line.path("step").asInt(-1) == step)
                    .map(line -> line.path("text").asText())
                    .toList();
        }

        List<String> texts(Integer step, String stream) {
            return lines().stream()
                    .filter(line -> (step == null
                                    ? line.path("step").isNull()
                                    : line.path("step").asInt(-1) == step)
                            && stream.equals(line.path("stream").asText()))
                    .map(line -> line.path("text").asText())
                    .toList();
        }

        /** The step as its step-finished event reports it. */
        JsonNode step(int index) {
            return events.stream()
                    .filter(e -> "step-finished".equals(e.path("type").asText())
                            && e.path("step").path("index").asInt() == index)
                    .map(e -> e.path("step"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no step-finished for step " + index));
        }

        /** Chunks numbered 1..n without gaps, lines numbered on without gaps, events 1..m, job-finished last and counting them. */
        void assertComplete() {
            for (int i = 0; i < chunks.size(); i++) {
                assertThat(chunks.get(i).path("seq").asLong()).as("chunk seq").isEqualTo(i + 1);
            }
            long line = 1;
            for (JsonNode chunk : chunks) {
                assertThat(chunk.path("firstLine").asLong())
                        .as("firstLine of chunk " + chunk.path("seq"))
                        .isEqualTo(line);
                line += chunk.path("lines").size();
            }
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).path("seq").asLong()).as("event seq").isEqualTo(i + 1);
            }
            assertThat(events.get(events.size() - 1).path("type").asText()).isEqualTo("job-finished");
            assertThat(finished().path("logChunks").asLong()).isEqualTo(chunks.size());
            assertThat(finished().path("logLines").asLong()).isEqualTo(line - 1);
            assertThat(texts()).noneMatch(text -> text.contains("##forge["));
        }
    }
}
