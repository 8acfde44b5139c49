package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.controller.events.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** At most N jobs at once: the rest wait on the broker (back-pressure) and all of them finish. */
@QuarkusTest
@TestProfile(CapacityTest.CapacityTwo.class)
class CapacityTest {

    public static class CapacityTwo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("forge.controller.capacity", "2", "forge.controller.heartbeat-interval", "1s");
        }
    }

    @RegisterExtension
    static final ControllerHarness harness = new ControllerHarness();

    @Test
    void fiveJobsWithCapacityTwoNeverRunMoreThanTwoRunnersAndAllFinish() {
        List<TestJobs.Dispatch> dispatches = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            dispatches.add(new TestJobs.Dispatch(
                    "job-" + i, 1, TestJobs.repositoryId(), step(1, "Work", "echo working; sleep 2")));
        }
        AtomicInteger mostRunners = new AtomicInteger();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(
                () -> mostRunners.accumulateAndGet(harness.runners().size(), Math::max), 0, 50, TimeUnit.MILLISECONDS);
        try {
            dispatches.forEach(harness::dispatch);
            for (TestJobs.Dispatch dispatch : dispatches) {
                assertThat(harness.finished(dispatch, Duration.ofSeconds(120)).status())
                        .isEqualTo("success");
            }
        } finally {
            sampler.shutdownNow();
        }

        assertThat(mostRunners.get()).isEqualTo(2);
        List<JsonNode> heartbeats = harness
                .watcher()
                .matching(seen -> Topics.CONTROLLER_HEARTBEATS.equals(seen.topic())
                        && ControllerHarness.controllerId().equals(seen.key()))
                .stream()
                .map(seen -> seen.json())
                .toList();
        assertThat(heartbeats)
                .isNotEmpty()
                .allMatch(beat -> beat.path("capacity").asInt() == 2
                        && beat.path("running").size() <= 2);
        assertThat(heartbeats).anyMatch(beat -> beat.path("running").size() == 2);
    }
}
