package dev.forgeci.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.testkit.PrivateRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Figures, not assertions: decision latency from run-requested to job-dispatched with an idle queue,
 * and sustained runs per second with 10,000 runs queued across 50 repositories. Run with
 * {@code mvn -B verify -pl scheduler-service -am -Pbench} (-Dbench.global-limit=N to change the limit).
 */
@QuarkusTest
@TestProfile(SchedulerBenchmark.Limits.class)
@QuarkusTestResource(value = PrivateRedisResource.class, restrictToAnnotatedClass = true)
class SchedulerBenchmark extends SchedulerTestSupport {

    private static final int LATENCY_RUNS = 300;
    private static final int QUEUED_RUNS = 10_000;
    private static final int REPOSITORIES = 50;

    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String limit = System.getProperty("bench.global-limit", "5");
            return Map.of("forge.scheduler.global-limit", limit, "forge.scheduler.repository-limit", limit);
        }
    }

    @Test
    void decisionLatencyWithAnIdleQueue() {
        controller.autopilot(job -> "success");
        String repository = RunRequests.newRepository();
        List<Long> decision = new ArrayList<>();
        List<Long> published = new ArrayList<>();
        for (int i = 0; i < LATENCY_RUNS + 20; i++) {
            RunRequests run = RunRequests.push(repository).job("build");
            controller.register(run.runId());
            RecordMetadata sent = kafka.sendJson(Topics.RUN_REQUESTED, run.runId(), run.json());
            awaitRunStatus(run.runId(), "success");
            if (i < 20) {
                continue; // warm-up
            }
            JsonNode dispatch = controller.dispatched(run.runId()).get(0);
            decision.add(Duration.between(
                            Instant.ofEpochMilli(sent.timestamp()),
                            Instant.parse(dispatch.path("dispatchedAt").asText()))
                    .toMillis());
            published.add(controller.firstDispatchTimestamp(run.runId()) - sent.timestamp());
        }
        System.out.printf(
                "BENCH idle queue, %d runs one at a time: run-requested -> decision (dispatchedAt) p50 %d ms, p99 %d ms;"
                        + " -> job-dispatched on the broker p50 %d ms, p99 %d ms%n",
                LATENCY_RUNS,
                percentile(decision, 50),
                percentile(decision, 99),
                percentile(published, 50),
                percentile(published, 99));
    }

    @Test
    void sustainedRunsPerSecondWith10000Queued() {
        List<String> repositories = new ArrayList<>();
        for (int i = 0; i < REPOSITORIES; i++) {
            repositories.add(RunRequests.newRepository());
        }
        List<RunRequests> requests = new ArrayList<>();
        for (int i = 0; i < QUEUED_RUNS; i++) {
            RunRequests run =
                    RunRequests.push(repositories.get(i % REPOSITORIES)).job("build");
            controller.register(run.runId());
            requests.add(run);
        }
        List<String> runs = RunRequests.ids(requests);
        Instant sending = Instant.now();
        controller.publishAll(Topics.RUN_REQUESTED, requests);
        Set<String> wanted = new HashSet<>(runs);
        Awaitility.await()
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count(wanted, "queued") == QUEUED_RUNS);
        Duration queueing = Duration.between(sending, Instant.now());
        System.out.printf(
                "BENCH %d runs across %d repositories accepted and queued in %.1f s (%.0f runs/s), %d jobs held%n",
                QUEUED_RUNS,
                REPOSITORIES,
                queueing.toMillis() / 1000.0,
                QUEUED_RUNS * 1000.0 / queueing.toMillis(),
                controller.holding().size());

        Instant draining = Instant.now();
        controller.autopilot(job -> "success");
        while (controller.finishOldest("success")) {
            // releases the jobs held while the queue filled
        }
        Awaitility.await()
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> count(wanted, "success") == QUEUED_RUNS);
        Duration drain = Duration.between(draining, Instant.now());
        System.out.printf(
                "BENCH sustained: %d queued runs (1 job each, controller answering at once, global limit %s) finished in"
                        + " %.1f s = %.0f runs/s%n",
                QUEUED_RUNS,
                System.getProperty("bench.global-limit", "5"),
                drain.toMillis() / 1000.0,
                QUEUED_RUNS * 1000.0 / drain.toMillis());
    }

    private long count(Set<String> runIds, String status) {
        return runEvents
                .matching(seen -> runIds.contains(seen.key())
                        && seen.json() != null
                        && status.equals(seen.json().path("status").asText()))
                .size();
    }

    private static long percentile(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    }
}
