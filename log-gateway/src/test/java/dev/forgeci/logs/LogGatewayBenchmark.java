package dev.forgeci.logs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.LogFollower;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.TestInfra;
import dev.forgeci.testkit.TestTokens;

/**
 * Figures for the log-gateway, printed, never asserted: the packaged service runs as its own
 * process (as in production) against the real broker and Redis; producer and viewers run here.
 * {@code mvn -B verify -pl log-gateway -am -Pbench}
 */
class LogGatewayBenchmark {

    static final String GROUP = "log-gateway-bench-" + UUID.randomUUID();
    static final Pattern STAMP = Pattern.compile("\"text\":\"t=(\\d+) (\\d+)\"");
    static final ObjectMapper JSON = new ObjectMapper();

    static ServiceProcess gateway;
    static KafkaTestClient kafka;
    static KafkaProducer<String, String> producer;
    static URI base;

    @BeforeAll
    static void start() {
        gateway = ServiceProcess.start(
                "log-gateway",
                Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath(),
                TestTokens.withOperator(
                        "bench-token",
                        Map.of(
                                "kafka.bootstrap.servers",
                                TestInfra.kafkaBootstrap(),
                                "quarkus.redis.hosts",
                                TestInfra.redisUri(),
                                "mp.messaging.connector.smallrye-kafka.group.id",
                                GROUP,
                                "mp.messaging.connector.smallrye-kafka.auto.offset.reset",
                                "latest",
                                "forge.logs.retention",
                                "PT1H")));
        base = URI.create(gateway.baseUrl());
        kafka = new KafkaTestClient();
        kafka.awaitAssigned(GROUP, Duration.ofSeconds(60), "job-log-chunks", "job-events", "run-events");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(props);
        System.out.printf(
                "%nlog-gateway benchmark: gateway pid %d (-Xmx384m), %d cores, broker %s, redis %s%n",
                gateway.pid(),
                Runtime.getRuntime().availableProcessors(),
                TestInfra.kafkaBootstrap(),
                TestInfra.redisUri());
    }

    @AfterAll
    static void stop() {
        producer.close();
        kafka.close();
        gateway.close();
    }

    @Test
    void figures() throws Exception {
        latencyAt10000LinesPerSecond();
        mostLinesPerSecond(1, 200_000);
        mostLinesPerSecond(100, 20_000);
        mostLinesPerSecond(1000, 2_000);
        memoryPerIdleConnection(1000);
    }

    /** Chunk produced on Kafka → line received on a socket, at a steady 10,000 lines/s (100-line chunks every 10 ms). */
    void latencyAt10000LinesPerSecond() {
        RunFeeder run = new RunFeeder(kafka);
        run.run("running").jobStarted("build");
        LogFollower client = open(run.runId);
        long warmUp = 3;
        long seconds = 10;
        long chunks = (warmUp + seconds) * 100;
        AtomicLong sent = new AtomicLong();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        pacer.scheduleAtFixedRate(
                () -> {
                    long seq = sent.incrementAndGet();
                    if (seq <= chunks) {
                        send(chunk(run.runId, seq, 100, "t=" + System.nanoTime() + " "));
                    }
                },
                0,
                10,
                TimeUnit.MILLISECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(seconds * 6)).until(() -> sent.get() >= chunks);
        pacer.shutdown();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> client.messageCount() >= chunks * 100 + 2);
        List<String> messages = client.messages();
        List<Long> arrivals = client.arrivals();
        long[] latencies = new long[(int) (chunks * 100)];
        int n = 0;
        for (int i = 0; i < messages.size(); i++) {
            Matcher stamp = STAMP.matcher(messages.get(i));
            // The first seconds warm the JIT up; they are not counted.
            if (stamp.find() && Long.parseLong(stamp.group(2)) > warmUp * 10_000) {
                latencies[n++] = arrivals.get(i) - Long.parseLong(stamp.group(1));
            }
        }
        Arrays.sort(latencies, 0, n);
        System.out.printf(
                "latency at 10,000 lines/s for %ds after %ds of warm-up (%d lines, 1 viewer): p50 %.1f ms, p99 %.1f ms,"
                        + " p99.9 %.1f ms, max %.1f ms%n",
                seconds,
                warmUp,
                n,
                latencies[n / 2] / 1e6,
                latencies[(int) (n * 0.99)] / 1e6,
                latencies[(int) (n * 0.999)] / 1e6,
                latencies[n - 1] / 1e6);
        client.close();
    }

    /** As fast as the producer can send 1,000-line chunks, with the viewers connected from the start. */
    void mostLinesPerSecond(int viewers, int lines) throws Exception {
        RunFeeder run = new RunFeeder(kafka);
        run.run("running").jobStarted("build");
        List<LogFollower> clients = openMany(run.runId, viewers);
        long start = System.nanoTime();
        int perChunk = 1000;
        for (int seq = 1; seq <= lines / perChunk; seq++) {
            send(chunk(run.runId, seq, perChunk, "x".repeat(60) + " "));
        }
        long producedNanos = System.nanoTime() - start;
        run.jobFinished("build", "success", 0, lines / perChunk)
                .runFinished("success", Map.of("build", (long) (lines / perChunk)));
        Awaitility.await()
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> clients.stream().allMatch(LogFollower::endReceived));
        long last = clients.stream().mapToLong(LogFollower::lastArrival).max().orElseThrow();
        double seconds = (last - start) / 1e9;
        System.out.printf(
                "live to %d viewer(s): %,d lines each in %.2f s = %,.0f lines/s per viewer, %,.0f frames/s in all"
                        + " (producing took %.2f s)%n",
                viewers, lines, seconds, lines / seconds, lines * (double) viewers / seconds, producedNanos / 1e9);
        clients.forEach(LogFollower::close);

        LogFollower replay = open(run.runId);
        long replayStart = System.nanoTime();
        replay.awaitEnd(Duration.ofMinutes(2));
        double replaySeconds = (replay.lastArrival() - replayStart) / 1e9;
        System.out.printf(
                "replay of the stored run to 1 viewer: %,d lines in %.2f s = %,.0f lines/s%n",
                lines, replaySeconds, lines / replaySeconds);
    }

    /** Heap (after a full GC) and resident memory of the gateway with idle viewers of a quiet run. */
    void memoryPerIdleConnection(int viewers) throws Exception {
        RunFeeder run = new RunFeeder(kafka);
        run.run("running");
        Memory before = memory();
        List<LogFollower> clients = openMany(run.runId, viewers);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> clients.stream().allMatch(c -> c.messageCount() > 0));
        Memory after = memory();
        System.out.printf(
                "memory per idle viewer (%d viewers of one quiet run): %.1f KiB of heap after a full GC"
                        + " (resident set %,d MiB -> %,d MiB)%n",
                viewers, (after.heap - before.heap) / 1024.0 / viewers, before.rss >> 20, after.rss >> 20);
        clients.forEach(LogFollower::close);
    }

    LogFollower open(String runId) {
        return LogFollower.connect(socket(runId));
    }

    List<LogFollower> openMany(String runId, int count) throws Exception {
        List<CompletableFuture<LogFollower>> connecting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            connecting.add(LogFollower.connectAsync(socket(runId)));
        }
        CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return connecting.stream().map(CompletableFuture::join).toList();
    }

    URI socket(String runId) {
        return URI.create(
                "ws://" + base.getHost() + ":" + base.getPort() + "/ws/runs/" + runId + "?access_token=bench-token");
    }

    static Map<String, Object> chunk(String runId, long seq, int size, String prefix) {
        List<Map<String, Object>> lines = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Map<String, Object> line = new HashMap<>();
            line.put("step", null);
            line.put("stream", "stdout");
            line.put("text", prefix + ((seq - 1) * size + i + 1));
            lines.add(line);
        }
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("runId", runId);
        chunk.put("jobId", "build");
        chunk.put("attempt", 1);
        chunk.put("seq", seq);
        chunk.put("firstLine", (seq - 1) * size + 1);
        chunk.put("lines", lines);
        return chunk;
    }

    static void send(Map<String, Object> chunk) {
        try {
            producer.send(new ProducerRecord<>(
                            "job-log-chunks", (String) chunk.get("runId"), JSON.writeValueAsString(chunk)))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Memory(long heap, long rss) {}

    /** Heap used after a full GC (jcmd GC.run, then the gateway's own metrics) and VmRSS. */
    static Memory memory() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        new ProcessBuilder(jcmd.toString(), String.valueOf(gateway.pid()), "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor(30, TimeUnit.SECONDS);
        String metrics = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(base.resolve("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        long heap = 0;
        Matcher used = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} ([0-9.E+]+)")
                .matcher(metrics);
        while (used.find()) {
            heap += (long) Double.parseDouble(used.group(1));
        }
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(gateway.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return new Memory(heap, rss);
    }
}
