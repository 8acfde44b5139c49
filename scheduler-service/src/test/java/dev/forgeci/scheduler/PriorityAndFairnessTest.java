package dev.forgeci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(SmallLimits.class)
class PriorityAndFairnessTest extends SchedulerTestSupport {

    @Test
    void manualBeforePushBeforePatchAndFirstInFirstOutWithinOne() {
        String repository = RunRequests.newRepository();
        String busy1 = submit(RunRequests.push(repository).job("build"));
        String busy2 = submit(RunRequests.push(repository).job("build"));
        awaitDispatch(busy1, "build", 1);
        awaitDispatch(busy2, "build", 1);

        String patch = submit(RunRequests.of(repository, "patch").job("build"));
        String push1 = submit(RunRequests.of(repository, "push").job("build"));
        String manual = submit(RunRequests.of(repository, "manual").job("build"));
        String push2 = submit(RunRequests.of(repository, "push").job("build"));
        List.of(patch, push1, manual, push2).forEach(runId -> awaitRunStatus(runId, "queued"));

        // Each finished job frees one slot, which goes to the best queued run.
        for (int freed = 1; freed <= 4; freed++) {
            int expected = 2 + freed;
            controller.finishOldest("success");
            Awaitility.await().atMost(WAIT).until(() -> controller.dispatched().size() >= expected);
        }
        List<String> order = controller.dispatched().stream()
                .skip(2)
                .map(d -> d.path("runId").asText())
                .toList();
        assertThat(order).containsExactly(manual, push1, push2, patch);
        while (controller.finishOldest("success")) {
            // the last two
        }
        awaitRunStatus(patch, "success");
    }

    @Test
    void aRepositoryWith500QueuedRunsDoesNotHoldBackAnother() {
        String busy = RunRequests.newRepository();
        List<String> busyRuns = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            busyRuns.add(submit(RunRequests.push(busy).job("build")));
        }
        Awaitility.await().atMost(WAIT).until(() -> controller.holding().size() == 2);
        String other = submit(RunRequests.push(RunRequests.newRepository()).job("build"));
        awaitRunStatus(other, "queued");

        controller.finishOldest("success");
        JsonNode next = Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> controller.dispatched().size() >= 3
                                ? controller.dispatched().get(2)
                                : null,
                        dispatched -> dispatched != null);
        assertThat(next.path("runId").asText()).isEqualTo(other);
        assertThat(busyRuns.stream()
                        .filter(runId -> !controller.dispatched(runId).isEmpty())
                        .count())
                .isEqualTo(2);

        // Let the rest run through so the next test starts with free slots.
        controller.autopilot(job -> "success");
        while (controller.finishOldest("success")) {
            // drains what is held
        }
        String last = busyRuns.get(busyRuns.size() - 1);
        awaitRunStatus(last, "success", Duration.ofSeconds(120));
    }
}
