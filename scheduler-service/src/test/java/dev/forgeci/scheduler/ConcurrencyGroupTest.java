package dev.forgeci.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ConcurrencyGroupTest extends SchedulerTestSupport {

    @Test
    void withCancelInProgressTheSecondPushCancelsTheFirst() {
        String repository = RunRequests.newRepository();
        String first = submit(RunRequests.push(repository).job("deploy").concurrency("deploy-main", true));
        awaitDispatch(first, "deploy", 1);
        controller.start(first, "deploy", 1);
        awaitRunStatus(first, "running");

        String second = submit(RunRequests.push(repository).job("deploy").concurrency("deploy-main", true));

        // The fake controller answers the cancel with job-finished `cancelled`.
        JsonNode cancelled = awaitRunStatus(first, "cancelled");
        assertThat(cancelled.path("reason").asText()).contains("Superseded by run " + second);
        assertThat(controller.cancels(first))
                .singleElement()
                .satisfies(cancel -> assertThat(cancel.path("reason").asText()).isEqualTo("superseded"));
        assertThat(cancelled.path("jobs").get(0).path("status").asText()).isEqualTo("cancelled");

        awaitDispatch(second, "deploy", 1);
        controller.runToEnd(second, "deploy", 1, "success");
        awaitRunStatus(second, "success");
    }

    @Test
    void withoutCancelInProgressTheSecondWaitsThenRuns() throws InterruptedException {
        String repository = RunRequests.newRepository();
        String first = submit(RunRequests.push(repository).job("deploy").concurrency("deploy-main", false));
        awaitDispatch(first, "deploy", 1);
        controller.start(first, "deploy", 1);

        String second = submit(RunRequests.push(repository).job("deploy").concurrency("deploy-main", false));
        awaitRunStatus(second, "queued");
        // The group holds the second back while the first runs: give it time to do the wrong thing.
        org.awaitility.Awaitility.await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> controller.dispatched(second).isEmpty());

        // Another repository's group of the same name is independent.
        String elsewhere = submit(
                RunRequests.push(RunRequests.newRepository()).job("deploy").concurrency("deploy-main", false));
        awaitDispatch(elsewhere, "deploy", 1);

        controller.runToEnd(first, "deploy", 1, "success");
        awaitRunStatus(first, "success");
        awaitDispatch(second, "deploy", 1);
        controller.runToEnd(second, "deploy", 1, "success");
        awaitRunStatus(second, "success");
        assertThat(controller.cancels(first)).isEmpty();
    }

    @Test
    void aQueuedRunOfTheGroupIsCancelledAtOnceWhenSuperseded() {
        String repository = RunRequests.newRepository();
        String running = submit(RunRequests.push(repository).job("deploy").concurrency("g", false));
        awaitDispatch(running, "deploy", 1);
        controller.start(running, "deploy", 1);
        String waiting = submit(RunRequests.push(repository).job("deploy").concurrency("g", false));
        awaitRunStatus(waiting, "queued");

        String newest = submit(RunRequests.push(repository).job("deploy").concurrency("g", true));

        awaitRunStatus(waiting, "cancelled");
        awaitRunStatus(running, "cancelled");
        assertThat(controller.dispatched(waiting)).isEmpty();
        awaitDispatch(newest, "deploy", 1);
    }
}
