package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.controller.events.Topics;
import io.quarkus.test.junit.QuarkusTest;

/** Never lose a line: a step printing 1,000,000 numbered lines reaches Kafka exactly once and in order. */
@QuarkusTest
class MillionLinesTest {

    private static final int LINES = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ControllerHarness harness = new ControllerHarness(Topics.JOB_EVENTS);

    @Test
    void everyLineArrivesExactlyOnceAndInOrder() throws Exception {
        TestJobs.Dispatch dispatch =
                new TestJobs.Dispatch("numbers", 1, TestJobs.repositoryId(), step(1, "Count", "seq 1 " + LINES));
        try (KafkaConsumer<String, String> chunks = ControllerHarness.chunksFromNow()) {
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
                    if (!dispatch.runId.equals(record.key())
                            || !dispatch.jobId.equals(chunk.path("jobId").asText())) {
                        continue;
                    }
                    assertThat(chunk.path("seq").asLong()).as("chunk seq").isEqualTo(nextSeq++);
                    assertThat(chunk.path("firstLine").asLong())
                            .as("firstLine of chunk " + chunk.path("seq"))
                            .isEqualTo(nextLine);
                    for (JsonNode line : chunk.path("lines")) {
                        nextLine++;
                        if (line.path("step").asInt(-1) == 1
                                && "stdout".equals(line.path("stream").asText())) {
                            assertThat(line.path("text").asText())
                                    .as("line after " + (nextNumber - 1))
                                    .isEqualTo(Long.toString(nextNumber));
                            nextNumber++;
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "1,000,000 lines: job finished and every chunk read back in %.1f s (%d chunks)%n",
                    seconds, expectedChunks);

            assertThat(finished.path("status").asText()).isEqualTo("success");
            assertThat(nextSeq - 1).isEqualTo(expectedChunks);
            assertThat(nextNumber - 1).isEqualTo(LINES);
            assertThat(nextLine - 1).isEqualTo(finished.path("logLines").asLong());
        }
    }
}
