package dev.forgeci.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.RedisServerProcess;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.TestInfra;

/**
 * The packaged scheduler as a real process, killed with SIGKILL while 100 runs are queued and some
 * run, then started again on the same Redis and consumer group: every run finishes, no job is
 * dispatched as a second attempt or run twice, and the API agrees with the run events.
 */
class SchedulerCrashProcessTest {

    private static final int RUNS = 100;
    private static final int REPOSITORIES = 5;

    private RedisServerProcess redis;
    private ServiceProcess scheduler;
    private KafkaTestClient kafka;
    private FakeController controller;
    private ScheduledExecutorService worker;
    private String group;
    private String repositoryPrefix;

    @BeforeEach
    void start() {
        redis = RedisServerProcess.start();
        group = "scheduler-crash-test-" + UUID.randomUUID();
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", TestInfra.kafkaBootstrap());
        config.put("quarkus.redis.hosts", redis.uri());
        config.put("mp.messaging.connector.smallrye-kafka.group.id", group);
        // Production's offset reset (earliest), so what was published while it was down is read after
        // the restart; repositories of this test only, so the replayed history of the shared broker
        // schedules nothing else.
        repositoryPrefix = RunRequests.newRepository();
        config.put("forge.scheduler.repository-filter", java.util.regex.Pattern.quote(repositoryPrefix) + ".*");
        config.put("forge.auth.tokens", "crash-token");
        scheduler = ServiceProcess.start("scheduler-service", Path.of(System.getProperty("forge.test.app-jar")), config);
        kafka = new KafkaTestClient();
        kafka.awaitAssigned(group, Duration.ofSeconds(60), Topics.RUN_REQUESTED, Topics.JOB_EVENTS);
        controller = new FakeController();
        worker = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        worker.shutdownNow();
        controller.close();
        kafka.close();
        scheduler.close();
        redis.close();
    }

    @Test
    void afterKill9AndRestartEveryRunFinishesAndNoJobIsDispatchedTwice() {
        List<String> repositories = new ArrayList<>();
        for (int i = 0; i < REPOSITORIES; i++) {
            repositories.add(repositoryPrefix + "x" + i);
        }
        try (KafkaTestClient.Watcher runEvents = kafka.watch(Topics.RUN_EVENTS)) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                RunRequests run = RunRequests.push(repositories.get(i % REPOSITORIES)).job("build").job("test", "success", "build");
                controller.register(run.runId());
                runs.add(run.runId());
                kafka.sendJson(Topics.RUN_REQUESTED, run.runId(), run.json());
            }
            // The controller keeps working, crash or not: one job ends every 20 ms.
            worker.scheduleWithFixedDelay(() -> controller.finishOldest("success"), 20, 20, TimeUnit.MILLISECONDS);

            Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> ended(runEvents, runs) >= 10 && controller.holding().size() >= 3);
            long endedBeforeKill = ended(runEvents, runs);
            scheduler.kill();
            System.out.printf("killed the scheduler with %d of %d runs ended and %d jobs running%n", endedBeforeKill, RUNS,
                    controller.holding().size());
            assertThat(endedBeforeKill).isLessThan(RUNS / 2);

            scheduler.startAgain();
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> ended(runEvents, runs) == RUNS);

            // Each job was dispatched as attempt 1 only, and the controller ran it once.
            Map<String, Set<Integer>> attempts = new HashMap<>();
            controller.dispatched().forEach(d -> attempts.computeIfAbsent(d.path("runId").asText() + "/" + d.path("jobId").asText(),
                    k -> new HashSet<>()).add(d.path("attempt").asInt()));
            assertThat(attempts).hasSize(RUNS * 2);
            assertThat(attempts.values()).allSatisfy(seen -> assertThat(seen).containsExactly(1));
            System.out.printf("dispatch records published again after the crash (same attempt, recognised): %d%n",
                    controller.redelivered());

            // Every run's events, told apart by seq, are queued, running, success; the API says the same.
            for (String runId : runs) {
                Map<Long, String> bySeq = new java.util.TreeMap<>();
                runEvents.matching(seen -> runId.equals(seen.key()))
                        .forEach(seen -> bySeq.put(seen.json().path("seq").asLong(), seen.json().path("status").asText()));
                assertThat(bySeq.values()).as("events of run %s", runId).containsExactly("queued", "running", "success");
            }
            for (String repository : repositories) {
                given().baseUri(scheduler.baseUrl()).header("Authorization", "Bearer crash-token")
                        .queryParam("repository", repository).queryParam("size", 100)
                        .when().get("/api/runs").then().statusCode(200)
                        .body("total", org.hamcrest.Matchers.equalTo(RUNS / REPOSITORIES))
                        .body("runs.status", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo("success")));
            }
            JsonNode sample = RunRequests.JSON.valueToTree(given().baseUri(scheduler.baseUrl())
                    .header("Authorization", "Bearer crash-token").when().get("/api/runs/" + runs.get(0)).then().statusCode(200)
                    .extract().as(Map.class));
            assertThat(sample.path("jobs")).extracting(job -> job.path("status").asText()).containsExactly("success", "success");
        }
    }

    private static long ended(KafkaTestClient.Watcher runEvents, List<String> runs) {
        Set<String> wanted = new HashSet<>(runs);
        return runEvents.matching(seen -> wanted.contains(seen.key()) && seen.json() != null
                && "success".equals(seen.json().path("status").asText())).stream().map(KafkaTestClient.Seen::key).distinct().count();
    }
}
