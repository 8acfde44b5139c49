package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.forgeci.controller.events.Topics;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.SocketProxy;
import dev.forgeci.testkit.TestInfra;

/**
 * The packaged controller while its Docker engine stops answering (as a DinD sidecar does when its
 * liveness probe restarts it): it turns not-ready and takes no job, so nothing fails; once the engine
 * answers again it is ready and runs the job it held.
 */
class EngineOutageProcessTest {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);
    /** Only this test's controller serves these repositories, so no other controller takes its job. */
    private static final String REPOSITORIES = "rad:zEngineDown";

    @Test
    void aJobDispatchedWhileTheEngineIsDownWaitsAndRunsOnceItAnswersAgain() throws Exception {
        String controllerId = "test-engine-outage-" + UUID.randomUUID();
        try (SocketProxy engine = SocketProxy.toUnixSocket(Path.of("/var/run/docker.sock"));
                KafkaTestClient kafka = new KafkaTestClient();
                KafkaTestClient.Watcher watcher = kafka.watch(Topics.JOB_EVENTS, Topics.JOB_LOG_CHUNKS);
                ServiceProcess controller =
                        ServiceProcess.start("runner-controller", jar(), config(controllerId, engine))) {
            kafka.awaitAssigned(group(controllerId), Duration.ofSeconds(30), Topics.JOB_DISPATCHED);

            engine.cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> readiness(controller) == 503);
            TestJobs.Dispatch held = new TestJobs.Dispatch(
                    "build", 1, TestJobs.repositoryId(REPOSITORIES), step(1, "Echo", "echo ran after the outage"));
            kafka.sendJson(Topics.JOB_DISPATCHED, held.runId, held.toMap());

            // Held, not failed: no event at all for the job while the engine stays down.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> watcher.matching(seen -> held.runId.equals(seen.key()))
                            .isEmpty());
            assertThat(given().when()
                            .get(controller.baseUrl() + "/q/health/ready")
                            .then()
                            .extract()
                            .jsonPath()
                            .getString("checks.find { it.name == 'Docker engine' }.status"))
                    .isEqualTo("DOWN");

            engine.restore();

            var finished = held.awaitFinished(watcher, JOB_TIMEOUT);
            assertThat(finished.path("status").asText()).isEqualTo("success");
            assertThat(watcher.matching(
                            seen -> Topics.JOB_LOG_CHUNKS.equals(seen.topic()) && held.runId.equals(seen.key())))
                    .anyMatch(seen -> seen.value().contains("ran after the outage"));
            assertThat(readiness(controller)).isEqualTo(200);
            assertThat(Files.readString(controller.log()))
                    .contains("does not answer", "taking no job until it does", "answers; taking jobs");
        }
    }

    private static int readiness(ServiceProcess controller) {
        return given().when()
                .get(controller.baseUrl() + "/q/health/ready")
                .then()
                .extract()
                .statusCode();
    }

    private static String group(String controllerId) {
        return "runner-controller-" + controllerId;
    }

    private static Map<String, String> config(String controllerId, SocketProxy engine) {
        return new HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                TestInfra.kafkaBootstrap(),
                "quarkus.redis.hosts",
                TestInfra.redisUri(),
                "mp.messaging.connector.smallrye-kafka.group.id",
                group(controllerId),
                "mp.messaging.connector.smallrye-kafka.auto.offset.reset",
                "latest",
                "forge.controller.id",
                controllerId,
                "forge.controller.repository-pattern",
                REPOSITORIES + ".*",
                "forge.docker.host",
                engine.dockerHost(),
                "forge.docker.ping-interval",
                "200ms",
                "forge.runner.image",
                TestInfra.runnerImage(),
                "forge.runner.isolation",
                "capabilities"));
    }

    private static Path jar() {
        return Path.of(System.getProperty("forge-test.app-jar"));
    }
}
