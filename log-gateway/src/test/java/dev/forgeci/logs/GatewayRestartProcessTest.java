package dev.forgeci.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.LogFollower;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.TestInfra;
import dev.forgeci.testkit.TestTokens;

/**
 * The packaged gateway killed (SIGKILL) in the middle of a run and started again: its viewers
 * reconnect with their cursors and end up with every line exactly once, although the new process
 * re-reads records whose offsets the dead one had not committed.
 */
class GatewayRestartProcessTest {

    static final long LINES = 20_000;
    static final int PER_CHUNK = 100;
    static final String GROUP = "log-gateway-process-test-" + UUID.randomUUID();

    static ServiceProcess gateway;
    static KafkaTestClient kafka;

    @BeforeAll
    static void start() {
        gateway = ServiceProcess.start(
                "log-gateway",
                Path.of(System.getProperty("forge-test.app-jar")),
                TestTokens.withOperator(
                        "process-token",
                        Map.of(
                                "kafka.bootstrap.servers", TestInfra.kafkaBootstrap(),
                                "quarkus.redis.hosts", TestInfra.redisUri(),
                                "mp.messaging.connector.smallrye-kafka.group.id", GROUP,
                                "mp.messaging.connector.smallrye-kafka.auto.offset.reset", "latest",
                                // The successor waits until the killed member's session expires; keep that short here.
                                "mp.messaging.connector.smallrye-kafka.session.timeout.ms", "6000",
                                "mp.messaging.connector.smallrye-kafka.heartbeat.interval.ms", "1000",
                                "forge.logs.retention", "PT2H")));
        kafka = new KafkaTestClient();
        kafka.awaitAssigned(GROUP, Duration.ofSeconds(60), "job-log-chunks", "job-events", "run-events");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void viewersResumeWithTheirCursorsAfterTheGatewayIsKilledMidRunAndMissNothing() throws Exception {
        RunFeeder run = new RunFeeder(kafka);
        List<String> expected = LongStream.rangeClosed(1, LINES)
                .mapToObj(n -> "restart line " + n)
                .toList();
        LogFollower early = LogFollower.follow(gateway.baseUrl(), run.runId, "process-token");
        run.run("queued").run("running").jobStarted("build").stepStarted("build", 1, "Build");
        LogFollower late = LogFollower.follow(gateway.baseUrl(), run.runId, "process-token");

        // The controller keeps producing at its pace while the gateway dies and comes back.
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        AtomicLong produced = new AtomicLong();
        ScheduledFuture<?> producing = pacer.scheduleAtFixedRate(
                () -> {
                    if (produced.get() < LINES) {
                        run.chunk("build", 1, PER_CHUNK, n -> "restart line " + n);
                        produced.addAndGet(PER_CHUNK);
                    }
                },
                0,
                25,
                TimeUnit.MILLISECONDS);

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> early.messageCount() >= 3_000 && late.messageCount() >= 3_000);
        // A group reading from "latest" must have committed once, or its successor would skip what it missed.
        awaitCommitted(run.runId);
        gateway.kill();
        long producedAtKill = produced.get();
        gateway.startAgain();
        Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> produced.get() >= LINES);
        producing.cancel(false);
        pacer.shutdown();
        run.stepFinished("build", 1, "Build", "success", 0)
                .jobFinished("build", "success", 0)
                .runFinished("success", Map.of("build", run.chunks("build")));

        for (LogFollower viewer : List.of(early, late)) {
            assertThat(viewer.awaitEnd(Duration.ofSeconds(120))).isEqualTo("success");
            assertThat(viewer.connections()).isGreaterThanOrEqualTo(2);
            assertThat(viewer.lineTexts()).hasSize((int) LINES).isEqualTo(expected);
        }
        assertThat(producedAtKill)
                .as("the gateway died in the middle of the run")
                .isLessThan(LINES);
        LogFollower afterwards = LogFollower.connect(URI.create(gateway.baseUrl()
                        .replace("http://", "ws://") + "/ws/runs/" + run.runId + "?access_token=process-token"));
        afterwards.awaitEnd(Duration.ofSeconds(60));
        assertThat(afterwards.lineTexts()).isEqualTo(expected);
        LogReplayTest.assertCursorsCountUp(afterwards.frames(), 1);
    }

    static void awaitCommitted(String runId) {
        int partition = Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % 6;
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()))) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                                .partitionsToOffsetAndMetadata()
                                .get();
                        return List.of("job-log-chunks", "job-events", "run-events").stream()
                                .allMatch(topic -> committed.get(new TopicPartition(topic, partition)) != null);
                    });
        }
    }
}
