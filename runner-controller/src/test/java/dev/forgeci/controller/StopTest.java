package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.forgeci.controller.events.Topics;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** Stop when told: cancel, timeout and the memory limit end a job, keep its log and leave nothing behind. */
@QuarkusTest
class StopTest {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final ControllerHarness harness = new ControllerHarness();

    @Inject
    RedisDataSource redis;

    @Test
    void aCancelDuringSleepStopsTheRunnerWithinSecondsAndKeepsTheLog() {
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                "sleepy",
                1,
                TestJobs.repositoryId(),
                step(1, "Sleep", "echo going to sleep; sleep 600"),
                step(2, "After", "echo never"),
                step(3, "On cancel", "echo cleaning up after the cancel").with("if", "cancelled"));
        harness.dispatch(dispatch);
        harness.awaitLine(dispatch, "going to sleep", JOB_TIMEOUT);

        Instant cancelled = Instant.now();
        harness.cancel(dispatch, "superseded");

        await().atMost(Duration.ofSeconds(15))
                .until(() -> harness.runnersOf(dispatch).isEmpty());
        assertThat(Duration.between(cancelled, Instant.now())).isLessThan(Duration.ofSeconds(15));
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);
        job.assertComplete();
        assertThat(job.status()).isEqualTo("cancelled");
        assertThat(job.reason()).isEqualTo("superseded");
        assertThat(job.texts(1, "stdout")).containsExactly("going to sleep");
        assertThat(job.texts(3)).containsExactly("cleaning up after the cancel");
        assertThat(job.step(1).path("status").asText()).isEqualTo("cancelled");
        assertThat(job.step(2).path("status").asText()).isEqualTo("skipped");
        assertThat(job.texts(null)).anyMatch(text -> text.contains("cancel requested (superseded)"));
        assertThat(harness.runnerVolumes()).noneMatch(volume -> volume.contains(dispatch.runId));
    }

    @Test
    void aJobThatExceedsItsTimeoutFailsWithReasonTimeout() {
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                        "slow", 1, TestJobs.repositoryId(), step(1, "Sleep", "echo going to sleep; sleep 600"))
                .withJob("timeoutMinutes", 0.05);

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        job.assertComplete();
        assertThat(job.status()).isEqualTo("failure");
        assertThat(job.reason()).isEqualTo("timeout");
        assertThat(job.texts(1, "stdout")).containsExactly("going to sleep");
        assertThat(job.texts(null)).anyMatch(text -> text.contains("exceeded its timeout"));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> harness.runnersOf(dispatch).isEmpty());
    }

    @Test
    void aStepThatExceedsItsOwnTimeoutFailsAndTheJobGoesOnToAlwaysSteps() {
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                "slow-step",
                1,
                TestJobs.repositoryId(),
                step(1, "Sleep", "echo going to sleep; sleep 600").with("timeoutMinutes", 0.05),
                step(2, "Report", "echo the step timed out").with("if", "failure"));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.status()).isEqualTo("failure");
        assertThat(job.reason()).isEqualTo("timeout");
        assertThat(job.step(1).path("status").asText()).isEqualTo("failure");
        assertThat(job.texts(2)).containsExactly("the step timed out");
    }

    @Test
    void aStepThatExceedsTheMemoryLimitFailsWithAnOutOfMemoryReason() {
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                "hungry",
                1,
                TestJobs.repositoryId(),
                step(1, "Allocate", "echo allocating; dd if=/dev/zero of=/dev/null bs=700M count=1"),
                step(2, "Never", "echo never"));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        job.assertComplete();
        assertThat(job.status()).isEqualTo("failure");
        assertThat(job.reason()).isEqualTo("out of memory");
        assertThat(job.step(1).path("exitCode").asInt()).isEqualTo(137);
        assertThat(job.texts(null)).anyMatch(text -> text.contains("ran out of memory (limit 512 MiB)"));
    }

    @Test
    void aCancelThatArrivesBeforeItsDispatchMeansTheJobNeverStarts() {
        TestJobs.Dispatch dispatch =
                new TestJobs.Dispatch("early-cancel", 1, TestJobs.repositoryId(), step(1, "Never", "echo never"));
        harness.cancel(dispatch, "cancelled");
        // The controller's own ledger: the cancel is remembered before the dispatch arrives.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> redis.key()
                        .exists("forge:controller:cancelled:" + dispatch.runId + ":" + dispatch.jobId + ":"
                                + dispatch.attempt));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.status()).isEqualTo("cancelled");
        assertThat(job.events()).extracting(e -> e.path("type").asText()).containsExactly("job-finished");
        assertThat(job.texts()).noneMatch(text -> text.contains("never"));
    }

    @Test
    void aRedeliveredDispatchDoesNotRunTheJobTwice() {
        TestJobs.Dispatch dispatch =
                new TestJobs.Dispatch("once", 1, TestJobs.repositoryId(), step(1, "Once", "echo once"));

        harness.dispatch(dispatch);
        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.texts(1)).containsExactly("once");
        // The second copy and then the marker share the first's partition, so they are read after it.
        TestJobs.Dispatch marker = dispatch.sameRun("after", step(1, "After", "echo after"));
        harness.dispatch(marker);
        harness.finished(marker, JOB_TIMEOUT);
        assertThat(harness.watcher()
                        .matching(seen -> Topics.JOB_EVENTS.equals(seen.topic())
                                && dispatch.runId.equals(seen.key())
                                && "once".equals(seen.json().path("jobId").asText())
                                && "job-started".equals(seen.json().path("type").asText())))
                .hasSize(1);
    }
}
