package dev.forgeci.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.testkit.LogFollower;
import io.quarkus.test.junit.QuarkusTest;

/** Replay and live delivery over the real broker and Redis: every line once, in order, whenever a client joins. */
@QuarkusTest
class LogReplayTest extends LiveGatewayTest {

    static final long LINES = 100_000;

    static String text(long n) {
        return n % 1000 == 0 ? "line " + n + " \u001b[32mok\u001b[0m\rdone" : "line " + n;
    }

    @Test
    void clientsJoiningBeforeDuringAndAfterA100000LineRunReceiveTheSameLinesInOrder() throws Exception {
        RunFeeder run = new RunFeeder(kafka);
        List<String> expected =
                LongStream.rangeClosed(1, LINES).mapToObj(LogReplayTest::text).toList();

        LogFollower before = open(run.runId, "");
        LogFollower resumer = open(run.runId, "");
        run.run("queued").run("running").jobStarted("build").stepStarted("build", 1, "Install");
        CompletableFuture<Void> producing =
                CompletableFuture.runAsync(() -> run.lines("build", 1, LINES, 500, LogReplayTest::text)
                        .stepFinished("build", 1, "Install", "success", 0)
                        .jobFinished("build", "success", 0)
                        .runFinished("success", Map.of("build", LINES / 500)));

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> before.messageCount() > 20_000);
        LogFollower during = open(run.runId, "");

        // The resumer disconnects once past line 40,000 and resumes from the cursor of line 40,000.
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> resumer.messageCount() > 40_010);
        resumer.close();
        List<JsonNode> firstPart = new ArrayList<>();
        long resumeCursor = 0;
        for (String message : resumer.messages()) {
            JsonNode frame = LogFollower.parse(message);
            if ("line".equals(frame.path("type").asText())) {
                firstPart.add(frame);
                if (frame.get("line").asLong() == 40_000) {
                    resumeCursor = frame.get("cursor").asLong();
                    break;
                }
            }
        }
        assertThat(resumeCursor).isPositive();
        LogFollower resumed = open(run.runId, "&cursor=" + resumeCursor);

        producing.get();
        for (LogFollower client : List.of(before, during, resumed)) {
            client.awaitEnd(Duration.ofSeconds(120));
            client.awaitClosed(Duration.ofSeconds(10));
            assertThat(client.closeCode()).isEqualTo(1000);
        }
        LogFollower after = open(run.runId, "");
        after.awaitEnd(Duration.ofSeconds(120));

        for (LogFollower client : List.of(before, during, after)) {
            assertThat(client.lineTexts()).hasSize((int) LINES).isEqualTo(expected);
            assertCursorsCountUp(client.frames(), 1);
        }
        List<JsonNode> rest = resumed.frames();
        assertThat(rest.get(0).get("cursor").asLong()).isEqualTo(resumeCursor + 1);
        assertThat(rest.stream()
                        .filter(f -> f.path("type").asText().equals("line"))
                        .findFirst()
                        .orElseThrow()
                        .get("line")
                        .asLong())
                .isEqualTo(40_001);
        List<String> joined = new ArrayList<>(
                firstPart.stream().map(f -> f.get("text").asText()).toList());
        joined.addAll(resumed.lineTexts());
        assertThat(joined).isEqualTo(expected);
        assertCursorsCountUp(rest, resumeCursor + 1);
    }

    @Test
    void framesCarryStepsJobsAndRunStatusAndTheEndComesAfterTheLastLineEvenWhenTheRunEndsFirst() {
        RunFeeder run = new RunFeeder(kafka);
        LogFollower client = open(run.runId, "");
        run.run("queued").run("running").jobStarted("test").stepStarted("test", 1, "Run Tests");
        run.lines("test", 1, 10, 5, n -> "test output " + n);
        // The job's and the run's ends may be consumed before the controller's last chunk.
        long lastChunk = run.chunks("test") + 1;
        run.stepFinished("test", 1, "Run Tests", "failure", 3).jobFinished("test", "failure", 3, lastChunk);
        run.runFinished("failure", Map.of("test", lastChunk));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> client.messages().stream().anyMatch(m -> m.contains("\"finished\"")));
        run.lines("test", 1, 5, 5, n -> "late output " + n);

        client.awaitEnd(Duration.ofSeconds(30));
        List<JsonNode> frames = client.frames();
        List<String> types = frames.stream().map(f -> f.get("type").asText()).toList();
        // Topics are not ordered relative to each other; the end of the run is.
        assertThat(types.subList(types.size() - 8, types.size()))
                .containsExactly("line", "line", "line", "line", "line", "job", "run", "end");
        assertThat(types.stream().filter("run"::equals)).hasSize(3);
        assertThat(client.lineTexts()).hasSize(15).endsWith("late output 15");
        JsonNode end = frames.get(frames.size() - 1);
        assertThat(end.get("status").asText()).isEqualTo("failure");
        JsonNode job = frames.get(frames.size() - 3);
        assertThat(job.get("status").asText()).isEqualTo("failure");
        assertThat(job.get("exitCode").asInt()).isEqualTo(3);
        JsonNode step = frames.stream()
                .filter(f -> f.get("type").asText().equals("step"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(step.get("event").asText()).isEqualTo("finished");
        assertThat(step.at("/step/name").asText()).isEqualTo("Run Tests");
        JsonNode line = frames.stream()
                .filter(f -> f.get("type").asText().equals("line"))
                .findFirst()
                .orElseThrow();
        assertThat(line.get("jobId").asText()).isEqualTo("test");
        assertThat(line.get("step").asInt()).isEqualTo(1);
        assertThat(line.get("stream").asText()).isEqualTo("stdout");
        assertThat(line.get("line").asLong()).isEqualTo(1);
        assertCursorsCountUp(frames, 1);
    }

    @Test
    void redeliveredChunksAndEventsAreAppendedOnce() {
        RunFeeder run = new RunFeeder(kafka);
        run.run("queued");
        run.jobStarted("build");
        Map<String, Object> first = run.chunk("build", null, 3, n -> "setup " + n);
        run.send("job-log-chunks", first);
        Map<String, Object> second = run.chunk("build", null, 3, n -> "setup " + n);
        run.send("job-log-chunks", first);
        run.send("job-log-chunks", second);
        run.jobFinished("build", "success", 0).runFinished("success", Map.of("build", 2L));

        LogFollower client = open(run.runId, "");
        client.awaitEnd(Duration.ofSeconds(30));
        assertThat(client.lineTexts())
                .containsExactly("setup 1", "setup 2", "setup 3", "setup 4", "setup 5", "setup 6");
        List<JsonNode> frames = client.frames();
        List<String> types = frames.stream().map(f -> f.get("type").asText()).toList();
        // Each event once; topics are not ordered relative to each other (the queued run frame may
        // come last but one), only the end is: the job's and the run's terminal frames after every line.
        assertThat(types).hasSize(11).endsWith("run", "end");
        assertThat(types.stream().filter("line"::equals)).hasSize(6);
        assertThat(types.stream().filter("job"::equals)).hasSize(2);
        assertThat(types.stream().filter("run"::equals)).hasSize(2);
        assertThat(frames.get(frames.size() - 2).get("status").asText()).isEqualTo("success");
        int jobEnd = frames.indexOf(frames.stream()
                .filter(f -> f.get("type").asText().equals("job")
                        && f.get("status").asText().equals("success"))
                .findFirst()
                .orElseThrow());
        assertThat(jobEnd).isGreaterThan(types.lastIndexOf("line"));
    }

    static void assertCursorsCountUp(List<JsonNode> frames, long from) {
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).get("cursor").asLong())
                    .as("cursor of frame %d", i)
                    .isEqualTo(from + i);
        }
    }
}
