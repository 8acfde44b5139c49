package dev.forgeci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(SmallLimits.class)
class GlobalLimitTest extends SchedulerTestSupport {

    @Test
    void tenRunsNeverHaveMoreThanTwoJobsInFlight() {
        List<String> runs = new ArrayList<>();
        String[] repositories = {RunRequests.newRepository(), RunRequests.newRepository()};
        for (int i = 0; i < 10; i++) {
            runs.add(submit(RunRequests.push(repositories[i % 2]).job("build").job("test", "success", "build")));
        }
        // Finish one held job at a time, a little after it was dispatched, until all runs are done.
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(30))
                .until(() -> {
                    controller.finishOldest("success");
                    return runs.stream()
                            .allMatch(runId -> !runEvents
                                    .matching(seen -> runId.equals(seen.key())
                                            && "success"
                                                    .equals(seen.json()
                                                            .path("status")
                                                            .asText()))
                                    .isEmpty());
                });

        assertThat(controller.dispatched()).hasSize(20);
        assertThat(controller.maxHolding()).isEqualTo(2);
    }
}
