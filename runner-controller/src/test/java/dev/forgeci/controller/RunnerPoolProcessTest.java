package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.forgeci.controller.events.Topics;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.TestInfra;

/** The packaged controller as the untrusted pool: what it refuses to start with, which topic it reads, which jobs it runs. */
class RunnerPoolProcessTest {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @Test
    void anUntrustedPoolWithoutSysboxRefusesToStartAndSaysWhyAndHowToOverrideIt() throws Exception {
        Map<String, String> config = untrustedPool("capabilities");

        assertThat(ServiceProcess.refusedStart("runner-controller", jar(), config))
                .contains(
                        "refuses to start: an untrusted runner pool with capabilities isolation gives a stranger's "
                                + "patch root over this host's kernel; use sysbox",
                        "forge.runner.unsafe-untrusted-isolation=true");
    }

    @Test
    void anUntrustedPoolReadsItsOwnTopicRunsAnUntrustedJobAndRefusesATrustedOne() throws Exception {
        Map<String, String> config = untrustedPool("capabilities");
        config.put("forge.runner.unsafe-untrusted-isolation", "true");
        String rid = TestJobs.repositoryId();
        Path secrets = Files.createTempDirectory("forge-untrusted-pool-secrets");
        Files.createDirectories(secrets.resolve(rid.substring(4)));
        String secret = "secret-" + UUID.randomUUID();
        Files.writeString(secrets.resolve(rid.substring(4)).resolve("API_TOKEN"), secret);
        config.put("forge.secrets.dir", secrets.toString());
        TestJobs.Dispatch stranger = new TestJobs.Dispatch(
                        "stranger", 1, rid, step(1, "Echo", "echo from a patch; echo \"token=[${API_TOKEN:-}]\""))
                .with("trusted", false)
                .withJob("secrets", List.of("API_TOKEN"));
        TestJobs.Dispatch delegate =
                new TestJobs.Dispatch("delegate", 1, TestJobs.repositoryId(), step(1, "Echo", "echo trusted"));
        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaTestClient.Watcher watcher = kafka.watch(
                        Topics.JOB_EVENTS, Topics.JOB_LOG_CHUNKS, Topics.DEAD_LETTERS, Topics.CONTROLLER_HEARTBEATS);
                ServiceProcess controller = ServiceProcess.start("runner-controller", jar(), config)) {
            kafka.awaitAssigned(
                    config.get("mp.messaging.connector.smallrye-kafka.group.id"),
                    Duration.ofSeconds(30),
                    Topics.JOB_DISPATCHED_UNTRUSTED);
            kafka.sendJson(Topics.JOB_DISPATCHED_UNTRUSTED, delegate.runId, delegate.toMap());
            kafka.sendJson(Topics.JOB_DISPATCHED_UNTRUSTED, stranger.runId, stranger.toMap());

            var refused = watcher.awaitOne(
                    seen -> Topics.DEAD_LETTERS.equals(seen.topic()) && delegate.runId.equals(seen.key()), JOB_TIMEOUT);
            assertThat(refused.headers().get("dead-letter-reason"))
                    .contains("is for a trusted run; the untrusted runner pool refuses it");
            var finished = stranger.awaitFinished(watcher, JOB_TIMEOUT);
            assertThat(finished.path("status").asText()).isEqualTo("success");
            assertThat(finished.path("controllerId").asText()).isEqualTo(config.get("forge.controller.id"));
            assertThat(watcher.matching(
                            seen -> Topics.JOB_LOG_CHUNKS.equals(seen.topic()) && stranger.runId.equals(seen.key())))
                    .anyMatch(seen -> seen.value().contains("from a patch"))
                    .anyMatch(seen -> seen.value().contains("token=[]"))
                    .noneMatch(seen -> seen.value().contains(secret))
                    .anyMatch(seen ->
                            seen.value().contains("not trusted") && seen.value().contains("API_TOKEN"));
            var heartbeat = watcher.awaitOne(
                            seen -> Topics.CONTROLLER_HEARTBEATS.equals(seen.topic())
                                    && config.get("forge.controller.id")
                                            .equals(seen.json()
                                                    .path("controllerId")
                                                    .asText()),
                            JOB_TIMEOUT)
                    .json();
            assertThat(heartbeat.path("pool").asText()).isEqualTo("untrusted");
            assertThat(Files.readString(controller.log()))
                    .contains("UNSAFE: controller " + config.get("forge.controller.id")
                            + " runs the untrusted pool anyway");
        }
    }

    private static Map<String, String> untrustedPool(String isolation) {
        String controllerId = "test-untrusted-" + UUID.randomUUID();
        Map<String, String> config = new HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                TestInfra.kafkaBootstrap(),
                "quarkus.redis.hosts",
                TestInfra.redisUri(),
                "mp.messaging.connector.smallrye-kafka.group.id",
                "runner-controller-test-" + UUID.randomUUID(),
                "mp.messaging.connector.smallrye-kafka.auto.offset.reset",
                "latest",
                "forge.controller.id",
                controllerId,
                "forge.controller.pool",
                "untrusted",
                "forge.controller.heartbeat-interval",
                "1s",
                "forge.controller.repository-pattern",
                "rad:zRunnerTest.*",
                "forge.runner.image",
                TestInfra.runnerImage(),
                "forge.runner.isolation",
                isolation));
        return config;
    }

    private static Path jar() {
        return Path.of(System.getProperty("forge-test.app-jar"));
    }
}
