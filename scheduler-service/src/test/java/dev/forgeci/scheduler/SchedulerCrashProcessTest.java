package dev.forgeci.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

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
import dev.forgeci.testkit.TestTokens;

/**
 * The packaged scheduler as a real process, killed with SIGKILL while runs are queued and some
 * run, then started again on the same consumer group: every run finishes, no job is dispatched as a
 * second attempt or run twice, and the API agrees with the run events. Once with its Redis intact,
 * once with the Redis lost, so the state is rebuilt from the topics.
 */
class SchedulerCrashProcessTest {

    private static final int REPOSITORIES = 5;

    private final List<RedisServerProcess> redisServers = new ArrayList<>();
    private final List<ServiceProcess> schedulers = new ArrayList<>();
    private final List<String> repositories = new ArrayList<>();
    private final List<String> runs = new ArrayList<>();
    private Map<String, String> config;
    private KafkaTestClient kafka;
    private FakeController controller;
    private ScheduledExecutorService worker;
    private KafkaTestClient.Watcher runEvents;

    @BeforeEach
    void start() {
        String prefix = RunRequests.newRepository();
        for (int i = 0; i < REPOSITORIES; i++) {
            repositories.add(prefix + "x" + i);
        }
        String group = "scheduler-crash-test-" + UUID.randomUUID();
        config = new HashMap<>();
        config.put("kafka.bootstrap.servers", TestInfra.kafkaBootstrap());
        config.put("mp.messaging.connector.smallrye-kafka.group.id", group);
        // Production's offset reset (earliest) and rebuild, bounded to the last minutes of the shared
        // broker; repositories of this test only, so that history schedules nothing else.
        config.put("forge.scheduler.repository-filter", Pattern.quote(prefix) + ".*");
        config.put("forge.scheduler.rebuild.window", "PT10M");
        config.putAll(TestTokens.withOperator("crash-token", Map.of()));
        kafka = new KafkaTestClient();
        runEvents = kafka.watch(Topics.RUN_EVENTS);
        startScheduler(RedisServerProcess.start());
        kafka.awaitAssigned(group, Duration.ofSeconds(60), Topics.RUN_REQUESTED, Topics.JOB_EVENTS);
        controller = new FakeController();
        worker = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        worker.shutdownNow();
        controller.close();
        runEvents.close();
        kafka.close();
        schedulers.forEach(ServiceProcess::close);
        redisServers.forEach(RedisServerProcess::close);
    }

    @Test
    void afterKill9AndRestartEveryRunFinishesAndNoJobIsDispatchedTwice() {
        submitRunsAndKillTheSchedulerMidway(100);

        scheduler().startAgain();

        verifyEveryRunFinishedOnceAndTheApiAgrees();
    }

    @Test
    void afterLosingRedisTooTheStateIsRebuiltFromTheTopics() {
        submitRunsAndKillTheSchedulerMidway(40);
        redisServers.get(0).kill();

        startScheduler(RedisServerProcess.start());

        verifyEveryRunFinishedOnceAndTheApiAgrees();
    }

    private void startScheduler(RedisServerProcess redis) {
        redisServers.add(redis);
        Map<String, String> withRedis = new HashMap<>(config);
        withRedis.put("quarkus.redis.hosts", redis.uri());
        schedulers.add(ServiceProcess.start(
                "scheduler-service", Path.of(System.getProperty("forge-test.app-jar")), withRedis));
    }

    private ServiceProcess scheduler() {
        return schedulers.get(schedulers.size() - 1);
    }

    private void submitRunsAndKillTheSchedulerMidway(int count) {
        for (int i = 0; i < count; i++) {
            RunRequests run = RunRequests.push(repositories.get(i % REPOSITORIES))
                    .job("build")
                    .job("test", "success", "build");
            if (i % 5 == 0) {
                // its jobs go to the untrusted pool's topic, which a rebuild reads as well
                run.untrusted();
            }
            controller.register(run.runId());
            runs.add(run.runId());
            kafka.sendJson(Topics.RUN_REQUESTED, run.runId(), run.json());
        }
        // The controller keeps working, crash or not: one job ends every 10 ms. It holds its jobs once
        // a few runs have ended, so that the kill finds jobs running however fast this machine is.
        AtomicBoolean finishing = new AtomicBoolean(true);
        worker.scheduleWithFixedDelay(
                () -> {
                    if (finishing.get()) {
                        controller.finishOldest("success");
                    }
                },
                10,
                10,
                TimeUnit.MILLISECONDS);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> ended() >= 10);
        finishing.set(false);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> controller.holding().size() >= 3);
        long endedBeforeKill = ended();
        int runningAtKill = controller.holding().size();
        scheduler().kill();
        finishing.set(true);
        System.out.printf(
                "killed the scheduler with %d of %d runs ended and %d jobs running%n",
                endedBeforeKill, runs.size(), runningAtKill);
        // Mid-way: a busy machine may let a burst of runs end between the check and the kill, but a
        // good part of them must still be ahead for the restart to prove anything.
        assertThat(endedBeforeKill).isLessThanOrEqualTo(runs.size() * 3 / 4);
    }

    private void verifyEveryRunFinishedOnceAndTheApiAgrees() {
        java.time.Instant restarted = java.time.Instant.now();
        Awaitility.await()
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ended() == runs.size());
        System.out.printf(
                "all %d runs ended %.1f s after the restarted scheduler was ready%n",
                runs.size(),
                Duration.between(restarted, java.time.Instant.now()).toMillis() / 1000.0);

        // Each job was dispatched as attempt 1 only, and the controller ran it once.
        Map<String, Set<Integer>> attempts = new HashMap<>();
        controller
                .dispatched()
                .forEach(d -> attempts.computeIfAbsent(
                                d.path("runId").asText() + "/" + d.path("jobId").asText(), k -> new HashSet<>())
                        .add(d.path("attempt").asInt()));
        assertThat(attempts).hasSize(runs.size() * 2);
        assertThat(attempts.values()).allSatisfy(seen -> assertThat(seen).containsExactly(1));
        System.out.printf(
                "dispatch records published again after the crash (same attempt, recognised): %d%n",
                controller.redelivered());

        // Every run's events, told apart by seq, are queued, running, success; the API says the same.
        for (String runId : runs) {
            Map<Long, String> bySeq = new TreeMap<>();
            runEvents
                    .matching(seen -> runId.equals(seen.key()))
                    .forEach(seen -> bySeq.put(
                            seen.json().path("seq").asLong(),
                            seen.json().path("status").asText()));
            assertThat(bySeq.values()).as("events of run %s", runId).containsExactly("queued", "running", "success");
        }
        for (String repository : repositories) {
            given().baseUri(scheduler().baseUrl())
                    .header("Authorization", "Bearer crash-token")
                    .queryParam("repository", repository)
                    .queryParam("size", 100)
                    .when()
                    .get("/api/runs")
                    .then()
                    .statusCode(200)
                    .body("total", equalTo(runs.size() / REPOSITORIES))
                    .body("runs.status", everyItem(equalTo("success")));
        }
        JsonNode first =
                RunRequests.JSON.valueToTree(given().baseUri(scheduler().baseUrl())
                        .header("Authorization", "Bearer crash-token")
                        .when()
                        .get("/api/runs/" + runs.get(0))
                        .then()
                        .statusCode(200)
                        .extract()
                        .as(Map.class));
        assertThat(first.path("jobs"))
                .extracting(job -> job.path("status").asText())
                .containsExactly("success", "success");
    }

    private long ended() {
        Set<String> wanted = new HashSet<>(runs);
        return runEvents
                .matching(seen -> wanted.contains(seen.key())
                        && seen.json() != null
                        && "success".equals(seen.json().path("status").asText()))
                .stream()
                .map(KafkaTestClient.Seen::key)
                .distinct()
                .count();
    }
}
