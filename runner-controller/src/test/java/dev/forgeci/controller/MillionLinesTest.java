package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.controller.events.Topics;
import dev.forgeci.testkit.TestInfra;
import io.quarkus.test.junit.QuarkusTest;

/** Never lose a line: a step printing 1,000,000 numbered lines reaches Kafka exactly once and in order. */
@QuarkusTest
class MillionLinesTest {

    private static final int LINES = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ControllerHarness harness;

    @BeforeAll
    static void start() {
        harness = new ControllerHarness(Topics.JOB_EVENTS);
        harness.awaitControllerListening();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void everyLineArrivesExactlyOnceAndInOrder() throws Exception {
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch("numbers", 1, TestJobs.repositoryId(), step(1, "Count", "seq 1 " + LINES));
        try (KafkaConsumer<String, String> chunks = positionedAtEnd()) {
            long started = System.nanoTime();
            harness.dispatch(dispatch);
            JsonNode finished = harness.awaitEvent(dispatch, "job-finished", Duration.ofMinutes(3));
            long expectedChunks = finished.path("logChunks").asLong();

            long nextSeq = 1;
            long nextLine = 1;
            long nextNumber = 1;
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (nextSeq <= expectedChunks && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : chunks.poll(Duration.ofMillis(200))) {
                    JsonNode chunk = JSON.readTree(record.value());
                    if (!dispatch.runId.equals(record.key()) || !dispatch.jobId.equals(chunk.path("jobId").asText())) {
                        continue;
                    }
                    assertThat(chunk.path("seq").asLong()).as("chunk seq").isEqualTo(nextSeq++);
                    assertThat(chunk.path("firstLine").asLong()).as("firstLine of chunk " + chunk.path("seq")).isEqualTo(nextLine);
                    for (JsonNode line : chunk.path("lines")) {
                        nextLine++;
                        if (line.path("step").asInt(-1) == 1 && "stdout".equals(line.path("stream").asText())) {
                            assertThat(line.path("text").asText()).as("line after " + (nextNumber - 1)).isEqualTo(Long.toString(nextNumber));
                            nextNumber++;
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("1,000,000 lines: job finished and every chunk read back in %.1f s (%d chunks)%n", seconds, expectedChunks);

            assertThat(finished.path("status").asText()).isEqualTo("success");
            assertThat(nextSeq - 1).isEqualTo(expectedChunks);
            assertThat(nextNumber - 1).isEqualTo(LINES);
            assertThat(nextLine - 1).isEqualTo(finished.path("logLines").asLong());
        }
    }

    /** A consumer of job-log-chunks that reads only what is published from now on. */
    private static KafkaConsumer<String, String> positionedAtEnd() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.JOB_LOG_CHUNKS).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
