package dev.forgeci.controller.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.runner.RunnerPool;
import dev.forgeci.testkit.GoldenEvents;

/** What this controller produces is what the golden samples say its consumers read; what it consumes reads from them. */
class GoldenEventsTest {

    /** As Quarkus configures the service's mapper: java.time modules, dates as ISO-8601 text. */
    private static final ObjectMapper JSON =
            new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void aHeartbeatSerialisesToTheGoldenSample() throws Exception {
        ControllerHeartbeat heartbeat = new ControllerHeartbeat(
                "ctl-untrusted-7f3a",
                RunnerPool.UNTRUSTED.label(),
                Instant.parse("2026-12-03T10:00:05Z"),
                5,
                List.of(new JobKey("01JZGOLDENRUN0000000000000", "build", 2)),
                Instant.parse("2026-12-03T09:58:00Z"));

        assertThat(JSON.readTree(JSON.writeValueAsString(heartbeat)))
                .isEqualTo(GoldenEvents.tree("controller-heartbeats"));
    }

    @Test
    void aFinishedStepSerialisesToTheGoldenSample() throws Exception {
        JobEvent.StepReport step = new JobEvent.StepReport(
                1,
                "Check out",
                Status.SUCCESS,
                0,
                Instant.parse("2026-12-03T10:00:01Z"),
                Instant.parse("2026-12-03T10:00:04Z"),
                3000L,
                "## checked out",
                new JobEvent.Action("actions/checkout@v4", "0123456789abcdef0123456789abcdef01234567"));
        JobEvent event = new JobEvent(
                JobEvent.Type.STEP_FINISHED,
                "01JZGOLDENRUN0000000000000",
                "build",
                2,
                4,
                "ctl-untrusted-7f3a",
                Instant.parse("2026-12-03T10:00:04Z"),
                step,
                null,
                null,
                null,
                null,
                null,
                null);

        assertThat(JSON.readTree(JSON.writeValueAsString(event)))
                .isEqualTo(GoldenEvents.tree("job-events.step-finished"));
    }

    @Test
    void aFinishedJobSerialisesToTheGoldenSample() throws Exception {
        JobEvent event = new JobEvent(
                JobEvent.Type.JOB_FINISHED,
                "01JZGOLDENRUN0000000000000",
                "build",
                2,
                7,
                "ctl-untrusted-7f3a",
                Instant.parse("2026-12-03T10:00:09Z"),
                null,
                Status.FAILURE,
                1,
                "step Test failed with exit code 1",
                12L,
                340L,
                Map.of("version", "1.2.3"));

        assertThat(JSON.readTree(JSON.writeValueAsString(event)))
                .isEqualTo(GoldenEvents.tree("job-events.job-finished"));
    }

    @Test
    void aLogChunkSerialisesToTheGoldenSample() throws Exception {
        LogChunk chunk = new LogChunk(
                "01JZGOLDENRUN0000000000000",
                "build",
                2,
                3,
                41,
                List.of(
                        new LogChunk.Line(null, LogChunk.SYSTEM, "Runner forge-runner:local, isolation sysbox"),
                        new LogChunk.Line(1, LogChunk.STDOUT, "> npm test"),
                        new LogChunk.Line(1, LogChunk.STDERR, "npm warn config production Use `--omit=dev` instead.")),
                Instant.parse("2026-12-03T10:00:03Z"));

        assertThat(JSON.readTree(JSON.writeValueAsString(chunk))).isEqualTo(GoldenEvents.tree("job-log-chunks"));
    }

    @Test
    void aCancelRequestReadsAsTheAttemptToStop() throws Exception {
        JobCancelRequested cancel = JSON.readValue(GoldenEvents.text("job-cancel-requested"), JobCancelRequested.class);

        assertThat(cancel.key()).isEqualTo(new JobKey("01JZGOLDENRUN0000000000000", "build", 2));
        assertThat(cancel.reason()).isEqualTo("cancelled");
        assertThat(cancel.requestedAt()).isEqualTo(Instant.parse("2026-12-03T10:00:07Z"));
    }

    @Test
    void aCancelRequestWithoutItsAttemptCannotBeReadAndOneWithoutAReasonMeansCancelled() throws Exception {
        ObjectNode sample = (ObjectNode) GoldenEvents.tree("job-cancel-requested");
        assertThat(JSON.readValue(sample.deepCopy().without("reason").toString(), JobCancelRequested.class)
                        .reason())
                .isEqualTo("cancelled");

        assertThatThrownBy(() -> JSON.readValue(sample.without("attempt").toString(), JobCancelRequested.class))
                .hasRootCauseMessage("job-cancel-requested without runId, jobId or attempt");
    }

    @Test
    void aDispatchWithoutItsAttemptCannotBeRead() throws Exception {
        ObjectNode sample = (ObjectNode) GoldenEvents.tree("job-dispatched-untrusted");

        assertThatThrownBy(() -> JSON.readValue(sample.without("attempt").toString(), JobDispatched.class))
                .hasRootCauseMessage("job-dispatched without runId, jobId or attempt");
    }

    @Test
    void anUntrustedJobsDispatchReadsWithEverythingTheJobRunsBy() throws Exception {
        JobDispatched dispatch = JSON.readValue(GoldenEvents.text("job-dispatched-untrusted"), JobDispatched.class);

        assertThat(dispatch.trusted()).isFalse();
        assertThat(dispatch.attempt()).isEqualTo(2);
        assertThat(dispatch.dispatchedAt()).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(dispatch.repository())
                .isEqualTo(new JobDispatched.Repository("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5", "heartwood"));
        assertThat(dispatch.context().at("/needs/build/outputs/version").asText())
                .isEqualTo("1.2.3");
        JobDispatched.Job job = dispatch.job();
        assertThat(job.groupOrId()).isEqualTo("test");
        assertThat(job.condition()).isEqualTo("success()");
        assertThat(job.timeoutMinutes()).isEqualTo(30.0);
        assertThat(job.strategy()).isEqualTo(new JobDispatched.Strategy(true, 2, 1, 2));
        assertThat(job.matrix().path("node").asInt()).isEqualTo(20);
        assertThat(job.runsOn()).containsExactly("ubuntu-latest");
        assertThat(job.stepsOrEmpty())
                .extracting(
                        JobDispatched.Step::index,
                        JobDispatched.Step::name,
                        JobDispatched.Step::uses,
                        JobDispatched.Step::run)
                .containsExactly(
                        tuple(0, "Check out", "actions/checkout@v4", null), tuple(1, "Test", null, "npm test"));
        JobDispatched.Step test = job.stepsOrEmpty().get(1);
        assertThat(test.workingDirectory()).isEqualTo("web");
        assertThat(test.env()).containsEntry("NODE", "${{ matrix.node }}");
        assertThat(test.condition()).isEqualTo("success()");
    }
}
