package dev.forgeci.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.testkit.BareRunner;
import dev.forgeci.testkit.LogFollower;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.TestInfra;

/**
 * The whole system against its floors, on this machine (`deploy/local/forge bench`): trigger to
 * first step line on a WebSocket vs a bare `docker run` of the runner image (and vs a container
 * that only echoes); a million lines from a step to a WebSocket
 * client vs `docker logs -f`; 20 runs drained under the job limit; the services' resident memory.
 * Prints medians with min/max; the only assertions are the ones that make a figure meaningful.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemBenchmark {

    private static final int LATENCY_RUNS = 7;
    private static final int THROUGHPUT_RUNS = 3;
    private static final int MANY_LINES = 1_000_000;
    private static final int BURST = 20;
    /** What the latency step prints; its script holds it only as an expression, so only the output matches. */
    private static final String FIRST_LINE = "forge-bench-first-42";

    private static ForgeStack forge;
    private static final Map<String, String> report = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        forge = ForgeStack.get();
        report.put(
                "machine",
                Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version")
                        + ", job limit " + ForgeStack.CAPACITY);
        report.put("resident memory, idle", rssOfServices());
    }

    @AfterAll
    static void print() {
        StringBuilder out = new StringBuilder("\n=== Forge CI system benchmark ===\n");
        report.forEach((k, v) -> out.append(String.format("%-44s %s%n", k, v)));
        System.out.println(out);
    }

    @Test
    @Order(1)
    void triggerToFirstStepLineAgainstABareDockerRun() throws Exception {
        Forge.Pushed repo = Forge.newRepositoryWithACommit("latency");
        String workflow = """
                name: Latency
                steps:
                  - run: echo "forge-bench-first-$((6 * 7))"
                """;
        List<Long> measured = new ArrayList<>();
        List<Long> floor = new ArrayList<>();
        List<Long> engineless = new ArrayList<>();
        Map<String, List<Long>> segments = new LinkedHashMap<>();
        for (int i = 0; i <= LATENCY_RUNS; i++) {
            Instant asked = Instant.now();
            long t0 = System.nanoTime();
            String runId = Forge.triggerOne(repo.rid(), repo.commit(), workflow);
            RawStream stream = RawStream.open(runId);
            long firstLine = stream.awaitFirstLine(Duration.ofSeconds(60));
            stream.awaitClose(Duration.ofSeconds(60));
            long bare = BareRunner.runToFirstLine(FIRST_LINE);
            long withoutEngine = BareRunner.echoOnlyToFirstLine(FIRST_LINE);
            if (i > 0) { // the first of each warms the JIT and the page cache
                measured.add(firstLine - t0);
                floor.add(bare);
                engineless.add(withoutEngine);
                JsonNode job = Forge.run(runId).path("jobs").get(0);
                List<Instant> marks = List.of(
                        asked,
                        Instant.parse(job.path("dispatchedAt").asText()),
                        Instant.parse(job.path("startedAt").asText()),
                        Instant.parse(job.path("steps").get(0).path("startedAt").asText()),
                        stream.firstLineWallClock);
                List<String> names = List.of(
                        "  trigger → job dispatched",
                        "  dispatched → taken by a controller",
                        "  taken → first step started",
                        "  step started → line on WebSocket");
                for (int m = 0; m < names.size(); m++) {
                    segments.computeIfAbsent(names.get(m), k -> new ArrayList<>())
                            .add(Duration.between(marks.get(m), marks.get(m + 1))
                                    .toNanos());
                }
            }
        }
        report.put("trigger → first step line on WebSocket", millis(measured));
        segments.forEach((name, nanos) -> report.put(name, millis(nanos)));
        report.put("bare docker run of the runner → first line (floor)", millis(floor));
        report.put("  ratio of medians (goal ≤ 1.5)", String.format("%.2f", median(measured) / (double) median(floor)));
        report.put("the same image, no inner engine, echo only", millis(engineless));
        report.put("  ratio of medians to that", String.format("%.2f", median(measured) / (double) median(engineless)));
    }

    @Test
    @Order(2)
    void aMillionLinesToAWebSocketAgainstDockerLogsFollow() throws Exception {
        Forge.Pushed repo = Forge.newRepositoryWithACommit("throughput");
        String workflow = """
                name: Throughput
                steps:
                  - run: seq -f 'n%%.0f' 1 %d
                """.formatted(MANY_LINES);
        List<Long> measured = new ArrayList<>();
        List<Long> floor = new ArrayList<>();
        Map<String, Long> peakRss = new ConcurrentHashMap<>();
        for (int i = 0; i < THROUGHPUT_RUNS; i++) {
            String runId = Forge.triggerOne(repo.rid(), repo.commit(), workflow);
            RawStream stream = RawStream.open(runId);
            try (RssSampler sampler = new RssSampler(peakRss)) {
                stream.awaitClose(Duration.ofMinutes(5));
            }
            assertThat(stream.numberedLines)
                    .as("numbered lines on the WebSocket")
                    .isEqualTo(MANY_LINES);
            measured.add(linesPerSecond(MANY_LINES, stream.lastNumberedAt - stream.firstNumberedAt));
            floor.add(dockerLogsFollowLinesPerSecond());
        }
        report.put("1M-line step → WebSocket client, lines/s", counts(measured));
        report.put("docker logs -f of the same output, lines/s", counts(floor));
        report.put("  ratio of medians (goal ≥ 0.5)", String.format("%.2f", median(measured) / (double) median(floor)));
        StringBuilder rss = new StringBuilder();
        for (ServiceProcess service : forge.services()) {
            rss.append(String.format("%s %d MiB  ", service.name(), peakRss.getOrDefault(service.name(), 0L) / 1024));
        }
        report.put("resident memory, peak under the log test", rss.toString().strip());
    }

    @Test
    @Order(3)
    void twentyRunsAtOnceDrainUnderTheJobLimit() throws Exception {
        Forge.Pushed repo = Forge.newRepositoryWithACommit("burst");
        String workflow = """
                name: Burst
                steps:
                  - run: sleep 2; echo done
                """;
        ExecutorService pool = Executors.newFixedThreadPool(BURST);
        long t0 = System.nanoTime();
        List<CompletableFuture<String>> submitted = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            submitted.add(
                    CompletableFuture.supplyAsync(() -> Forge.triggerOne(repo.rid(), repo.commit(), workflow), pool));
        }
        List<String> runs = submitted.stream().map(CompletableFuture::join).toList();
        pool.shutdown();
        List<Instant[]> jobs = new ArrayList<>();
        for (String runId : runs) {
            JsonNode run = Forge.awaitRun(runId, Duration.ofMinutes(5));
            assertThat(run.path("status").asText()).as("run " + runId).isEqualTo("success");
            JsonNode job = run.path("jobs").get(0);
            jobs.add(new Instant[] {
                Instant.parse(job.path("startedAt").asText()),
                Instant.parse(job.path("finishedAt").asText())
            });
        }
        long drained = System.nanoTime() - t0;
        report.put(BURST + " runs at once: time to drain", String.format("%.1f s", drained / 1e9));
        report.put(
                BURST + " runs at once: most jobs running together",
                mostAtOnce(jobs) + " (limit " + ForgeStack.CAPACITY + ")");
    }

    /** The most jobs whose [startedAt, finishedAt) intervals overlap at one instant. */
    static int mostAtOnce(List<Instant[]> intervals) {
        List<long[]> edges = new ArrayList<>();
        for (Instant[] interval : intervals) {
            edges.add(new long[] {interval[0].toEpochMilli(), 1});
            edges.add(new long[] {interval[1].toEpochMilli(), -1});
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int running = 0;
        int most = 0;
        for (long[] edge : edges) {
            running += (int) edge[1];
            most = Math.max(most, running);
        }
        return most;
    }

    /**
     * The same million lines from the runner image, read live with `docker logs -f` (the container
     * waits a second so the follower is attached before the first line).
     */
    private static long dockerLogsFollowLinesPerSecond() throws IOException, InterruptedException {
        Process run = new ProcessBuilder(
                        "docker",
                        "run",
                        "-d",
                        "--entrypoint",
                        "/bin/sh",
                        TestInfra.runnerImage(),
                        "-c",
                        "sleep 1; seq -f 'n%.0f' 1 " + MANY_LINES)
                .start();
        String id = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        run.waitFor(30, TimeUnit.SECONDS);
        try {
            Process logs = new ProcessBuilder("docker", "logs", "-f", id)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            long first = 0;
            long last = 0;
            int count = 0;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(logs.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (count++ == 0) {
                        first = System.nanoTime();
                    }
                    last = System.nanoTime();
                }
            }
            assertThat(count).as("lines from docker logs -f").isEqualTo(MANY_LINES);
            return linesPerSecond(MANY_LINES, last - first);
        } finally {
            new ProcessBuilder("docker", "rm", "-f", id)
                    .redirectErrorStream(true)
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String rssOfServices() {
        StringBuilder rss = new StringBuilder();
        for (ServiceProcess service : forge.services()) {
            rss.append(String.format("%s %d MiB  ", service.name(), rssKiB(service.pid()) / 1024));
        }
        return rss.toString().strip();
    }

    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException gone) {
            // the process ended between two samples
        }
        return 0;
    }

    private static long linesPerSecond(long lines, long nanos) {
        return Math.round(lines / (nanos / 1e9));
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String millis(List<Long> nanos) {
        return String.format(
                "median %d ms (min %d, max %d, n=%d)",
                median(nanos) / 1_000_000,
                Collections.min(nanos) / 1_000_000,
                Collections.max(nanos) / 1_000_000,
                nanos.size());
    }

    private static String counts(List<Long> values) {
        return String.format(
                "median %,d (min %,d, max %,d, n=%d)",
                median(values), Collections.min(values), Collections.max(values), values.size());
    }

    /** Samples each service's resident memory every 200 ms, keeping the peak. */
    private static final class RssSampler implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor();

        RssSampler(Map<String, Long> peak) {
            timer.scheduleAtFixedRate(
                    () -> forge.services().forEach(s -> peak.merge(s.name(), rssKiB(s.pid()), Math::max)),
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /**
     * A raw-mode WebSocket, as xterm.js consumes it, that only counts: when a text first arrived,
     * and the numbered lines ("n<digits>") of the throughput step with their first and last arrival.
     */
    private static final class RawStream {
        private final StringBuilder recent = new StringBuilder();
        private final CompletableFuture<Long> firstLineAt = new CompletableFuture<>();
        private LogFollower socket;
        private volatile int numberedLines;
        private boolean atLineStart = true;
        private boolean afterLineStartN;
        private volatile Instant firstLineWallClock;
        private volatile long firstNumberedAt;
        private volatile long lastNumberedAt;

        static RawStream open(String runId) {
            RawStream stream = new RawStream();
            URI uri = URI.create(forge.logs.baseUrl().replace("http://", "ws://") + "/ws/runs/" + runId
                    + "?mode=raw&access_token=" + ForgeStack.TOKEN);
            stream.socket = LogFollower.tap(uri, stream::onText);
            return stream;
        }

        /** When the latency step's line arrived (System.nanoTime). */
        long awaitFirstLine(Duration timeout) throws Exception {
            return firstLineAt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        void awaitClose(Duration timeout) {
            socket.awaitClosed(timeout);
        }

        private void onText(String data) {
            long now = System.nanoTime();
            countNumberedLines(data, now);
            if (!firstLineAt.isDone()) {
                // a short tail of the previous message too, in case a line was split between two
                recent.append(data);
                if (recent.indexOf(FIRST_LINE) >= 0) {
                    firstLineWallClock = Instant.now();
                    firstLineAt.complete(now);
                }
                recent.delete(0, Math.max(0, recent.length() - FIRST_LINE.length()));
            }
        }

        /** Counts lines that start "n<digit>"; a line may be split between two messages, so the scan's state carries over. */
        private void countNumberedLines(CharSequence data, long now) {
            int count = 0;
            for (int i = 0; i < data.length(); i++) {
                char c = data.charAt(i);
                if (afterLineStartN && Character.isDigit(c)) {
                    count++;
                }
                afterLineStartN = atLineStart && c == 'n';
                atLineStart = c == '\n';
            }
            if (count > 0) {
                if (numberedLines == 0) {
                    firstNumberedAt = now;
                }
                numberedLines += count;
                lastNumberedAt = now;
            }
        }
    }
}
