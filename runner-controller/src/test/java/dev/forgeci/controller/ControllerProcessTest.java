package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;

import dev.forgeci.controller.events.Topics;
import dev.forgeci.controller.infra.DockerClientProducer;
import dev.forgeci.controller.runner.RunnerLabels;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.TestInfra;

/** Crash safety with the packaged controller as a real process: SIGKILL mid-job, start again. */
class ControllerProcessTest {

    @Test
    void aRestartedControllerRemovesWhatItsKilledPredecessorLeftAndReportsTheJobLost() throws Exception {
        String controllerId = "test-process-" + UUID.randomUUID();
        String group = "runner-controller-test-" + UUID.randomUUID();
        Map<String, String> config = Map.of(
                "kafka.bootstrap.servers",
                TestInfra.kafkaBootstrap(),
                "quarkus.redis.hosts",
                TestInfra.redisUri(),
                "mp.messaging.connector.smallrye-kafka.group.id",
                group,
                "mp.messaging.connector.smallrye-kafka.auto.offset.reset",
                "latest",
                "forge.controller.id",
                controllerId,
                "forge.controller.repository-pattern",
                "rad:zRunnerTest.*",
                "forge.runner.image",
                TestInfra.runnerImage(),
                "forge.runner.isolation",
                "capabilities");
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                "lost", 1, TestJobs.repositoryId(), step(1, "Sleep", "echo going to sleep; sleep 600"));
        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaTestClient.Watcher watcher = kafka.watch(Topics.JOB_EVENTS, Topics.JOB_LOG_CHUNKS);
                DockerClient docker = DockerClientProducer.create("unix:///var/run/docker.sock");
                ServiceProcess controller = ServiceProcess.start(
                        "runner-controller", Path.of(System.getProperty("forge-test.app-jar")), config)) {
            kafka.awaitAssigned(group, Duration.ofSeconds(30), Topics.JOB_DISPATCHED);
            kafka.sendJson(Topics.JOB_DISPATCHED, dispatch.runId, dispatch.toMap());
            watcher.awaitOne(
                    seen -> ofJob(seen, dispatch) && seen.value().contains("going to sleep"), Duration.ofSeconds(60));

            controller.kill();

            List<Container> left = runners(docker, controllerId);
            assertThat(left).hasSize(1);
            long eventsBefore = maxSeq(watcher, Topics.JOB_EVENTS, dispatch);
            long chunksBefore = maxSeq(watcher, Topics.JOB_LOG_CHUNKS, dispatch);
            long linesBefore =
                    watcher
                            .matching(seen -> Topics.JOB_LOG_CHUNKS.equals(seen.topic()) && ofJob(seen, dispatch))
                            .stream()
                            .mapToLong(seen -> seen.json().path("lines").size())
                            .sum();

            controller.startAgain();

            JsonNode finished = watcher.awaitOne(
                            seen -> Topics.JOB_EVENTS.equals(seen.topic())
                                    && ofJob(seen, dispatch)
                                    && "job-finished"
                                            .equals(seen.json().path("type").asText()),
                            Duration.ofSeconds(60))
                    .json();
            assertThat(finished.path("status").asText()).isEqualTo("error");
            assertThat(finished.path("reason").asText()).isEqualTo("runner lost");
            assertThat(finished.path("seq").asLong()).isEqualTo(eventsBefore + 1);
            assertThat(finished.path("logChunks").asLong()).isEqualTo(chunksBefore + 1);
            assertThat(finished.path("logLines").asLong()).isEqualTo(linesBefore + 1);
            JsonNode lostChunk = watcher.awaitOne(
                            seen -> Topics.JOB_LOG_CHUNKS.equals(seen.topic())
                                    && ofJob(seen, dispatch)
                                    && seen.json().path("seq").asLong() == chunksBefore + 1,
                            Duration.ofSeconds(10))
                    .json();
            assertThat(lostChunk.path("firstLine").asLong()).isEqualTo(linesBefore + 1);
            assertThat(lostChunk.path("lines").get(0).path("text").asText()).contains("runner of this job was lost");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(runners(docker, controllerId)).isEmpty();
                assertThat(docker.listVolumesCmd()
                                .withFilter("label", List.of(RunnerLabels.CONTROLLER_ID + "=" + controllerId))
                                .exec()
                                .getVolumes())
                        .isNullOrEmpty();
            });
        }
    }

    private static List<Container> runners(DockerClient docker, String controllerId) {
        return docker.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(RunnerLabels.CONTROLLER_ID, controllerId))
                .exec();
    }

    private static long maxSeq(KafkaTestClient.Watcher watcher, String topic, TestJobs.Dispatch dispatch) {
        return watcher.matching(seen -> topic.equals(seen.topic()) && ofJob(seen, dispatch)).stream()
                .mapToLong(seen -> seen.json().path("seq").asLong())
                .max()
                .orElse(0);
    }

    private static boolean ofJob(KafkaTestClient.Seen seen, TestJobs.Dispatch dispatch) {
        return dispatch.runId.equals(seen.key())
                && seen.json() != null
                && dispatch.jobId.equals(seen.json().path("jobId").asText());
    }
}
