package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;

import dev.forgeci.controller.events.Topics;
import dev.forgeci.testkit.BareRunner;
import dev.forgeci.testkit.TestInfra;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Figures, not assertions (run with -Pbench): how long from dispatch to the first line of step
 * output on job-log-chunks, next to a bare `docker run` of the same image printing one line; and
 * how many lines per second go from a step's stdout to job-log-chunks, next to `docker logs -f`
 * reading the same container.
 */
@QuarkusTest
@TestProfile(ControllerBenchmark.JsonFileLogs.class)
class ControllerBenchmark {

    /** `docker logs -f` needs a log driver that keeps the output; the controller itself reads the attached streams. */
    public static class JsonFileLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "forge.runner.log-driver",
                    "json-file",
                    "quarkus.log.category.\"dev.forgeci.controller\".level",
                    "DEBUG");
        }
    }

    private static final int RUNS = 7;
    private static final int LINES = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ControllerHarness harness = new ControllerHarness(Topics.JOB_EVENTS);

    private static KafkaConsumer<String, String> chunks;

    @BeforeAll
    static void start() {
        chunks = ControllerHarness.chunksFromNow();
    }

    @AfterAll
    static void stop() {
        chunks.close();
    }

    @Test
    void startLatencyAndLogThroughput() throws Exception {
        bareDockerRun();
        dispatchToFirstOutput();
        double[] floor = new double[RUNS];
        double[] controller = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            floor[i] = bareDockerRun();
            controller[i] = dispatchToFirstOutput();
        }
        double floorMedian = median(floor);
        double controllerMedian = median(controller);

        Throughput throughput = throughput();
        double standalone = standaloneDockerLogs();

        System.out.printf(
                "%n=== runner-controller benchmark (%d runs each, medians; this machine: %d cores) ===%n",
                RUNS, Runtime.getRuntime().availableProcessors());
        System.out.printf(
                "bare `docker run` of %s printing one line:       %6.0f ms  (runs: %s)%n",
                TestInfra.runnerImage(), floorMedian, Arrays.toString(round(floor)));
        System.out.printf(
                "dispatch -> first step output on job-log-chunks:  %6.0f ms  (runs: %s)%n",
                controllerMedian, Arrays.toString(round(controller)));
        System.out.printf("ratio: %.2fx the floor (goal: within 1.3x)%n", controllerMedian / floorMedian);
        System.out.printf(
                "log throughput, step stdout -> job-log-chunks:    %,10.0f lines/s (%,d lines in %.2f s)%n",
                throughput.controllerRate(), LINES, throughput.controllerSeconds());
        System.out.printf(
                "`docker logs -f` of the same container:            %,10.0f lines/s (%,d lines in %.2f s)%n",
                throughput.dockerLogsRate(), LINES, throughput.dockerLogsSeconds());
        System.out.printf("`docker logs -f` of a lone `docker run` (no controller): %,10.0f lines/s%n", standalone);
        System.out.printf(
                "ratio: %.2f of `docker logs -f` (goal: at least 0.5)%n%n",
                throughput.controllerRate() / throughput.dockerLogsRate());
    }

    /** Milliseconds from `docker run` to its one line of output, with the runner's own flags and a fresh volume. */
    private static double bareDockerRun() {
        return BareRunner.runToFirstLine("hi") / 1e6;
    }

    /**
     * Milliseconds from sending job-dispatched to reading the step's first line back from
     * job-log-chunks; prints where the time went (by the controller's event timestamps).
     */
    private static double dispatchToFirstOutput() {
        TestJobs.Dispatch dispatch =
                new TestJobs.Dispatch("hello", 1, TestJobs.repositoryId(), step(1, "Hello", "echo hi"));
        Instant sent = Instant.now();
        long started = System.nanoTime();
        harness.dispatch(dispatch);
        long seen = awaitLine(
                dispatch,
                line -> line.path("step").asInt(-1) == 1
                        && "hi".equals(line.path("text").asText()));
        Instant read = Instant.now();
        Instant taken = Instant.parse(harness.awaitEvent(dispatch, "job-started", Duration.ofSeconds(60))
                .path("at")
                .asText());
        Instant stepStarted = Instant.parse(harness.awaitEvent(dispatch, "step-started", Duration.ofSeconds(60))
                .path("at")
                .asText());
        harness.awaitEvent(dispatch, "job-finished", Duration.ofSeconds(60));
        System.out.printf(
                "  dispatch: to the controller %d ms, runner up to the step %d ms, step output to a reader %d ms%n",
                Duration.between(sent, taken).toMillis(),
                Duration.between(taken, stepStarted).toMillis(),
                Duration.between(stepStarted, read).toMillis());
        return (seen - started) / 1e6;
    }

    private record Throughput(double controllerSeconds, double dockerLogsSeconds) {
        double controllerRate() {
            return LINES / controllerSeconds;
        }

        double dockerLogsRate() {
            return LINES / dockerLogsSeconds;
        }
    }

    /** One job printing numbered lines, read at once by the controller and by `docker logs -f` of its container. */
    private static Throughput throughput() throws Exception {
        TestJobs.Dispatch dispatch =
                new TestJobs.Dispatch("numbers", 1, TestJobs.repositoryId(), step(1, "Count", "seq 1 " + LINES));
        harness.dispatch(dispatch);
        CompletableFuture<Double> dockerLogs = CompletableFuture.supplyAsync(() -> followDockerLogs(dispatch));
        long first = awaitLine(
                dispatch,
                line -> line.path("step").asInt(-1) == 1
                        && "1".equals(line.path("text").asText()));
        long last = awaitLine(
                dispatch,
                line -> line.path("step").asInt(-1) == 1
                        && Integer.toString(LINES).equals(line.path("text").asText()));
        harness.awaitEvent(dispatch, "job-finished", Duration.ofMinutes(3));
        return new Throughput((last - first) / 1e9, dockerLogs.get(3, TimeUnit.MINUTES));
    }

    /** Seconds `docker logs -f` of the job's runner takes from its first numbered line to the last. */
    private static double followDockerLogs(TestJobs.Dispatch dispatch) {
        String container = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (container == null && System.nanoTime() < deadline) {
            // `docker logs -f` of a container that has not started yet ends at once.
            container = harness.runnersOf(dispatch).stream()
                    .filter(c -> "running".equals(c.getState()))
                    .map(Container::getId)
                    .findFirst()
                    .orElse(null);
        }
        if (container == null) {
            throw new IllegalStateException("the runner never appeared");
        }
        return countLines(List.of("docker", "logs", "-f", container));
    }

    /** Lines/s of `docker logs -f` following a plain `docker run -d` of the same image and command. */
    private static double standaloneDockerLogs() throws Exception {
        String name = "forge-bench-" + UUID.randomUUID();
        List<String> run = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--log-driver", "json-file"));
        run.addAll(BareRunner.CAPABILITIES_FLAGS);
        run.addAll(
                List.of("-v", name + ":/var/lib/docker", TestInfra.runnerImage(), "seq", "1", Integer.toString(LINES)));
        new ProcessBuilder(run)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor(60, TimeUnit.SECONDS);
        try {
            return LINES / countLines(List.of("docker", "logs", "-f", name));
        } finally {
            new ProcessBuilder("docker", "rm", "-f", "-v", name)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(60, TimeUnit.SECONDS);
            new ProcessBuilder("docker", "volume", "rm", "-f", name)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Seconds from the first purely numeric line of the command's stdout to the LINES-th. */
    private static double countLines(List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII), 1 << 16)) {
                long first = 0;
                int count = 0;
                String line;
                while ((line = out.readLine()) != null) {
                    if (!line.isEmpty()
                            && Character.isDigit(line.charAt(0))
                            && line.chars().allMatch(Character::isDigit)) {
                        if (count++ == 0) {
                            first = System.nanoTime();
                        }
                        if (count == LINES) {
                            double seconds = (System.nanoTime() - first) / 1e9;
                            process.destroy();
                            return seconds;
                        }
                    }
                }
                throw new IllegalStateException("docker logs ended after " + count + " lines");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads job-log-chunks until a line of the attempt matches; returns when (System.nanoTime) it was read. */
    private static long awaitLine(TestJobs.Dispatch dispatch, Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : chunks.poll(Duration.ofMillis(50))) {
                long now = System.nanoTime();
                if (!dispatch.runId.equals(record.key())) {
                    continue;
                }
                try {
                    for (JsonNode line : JSON.readTree(record.value()).path("lines")) {
                        if (wanted.test(line)) {
                            return now;
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no such line of " + dispatch.runId + " on job-log-chunks");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long[] round(double[] values) {
        return Arrays.stream(values).mapToLong(Math::round).toArray();
    }
}
