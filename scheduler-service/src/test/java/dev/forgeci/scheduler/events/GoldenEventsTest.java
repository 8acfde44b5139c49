package dev.forgeci.scheduler.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.scheduler.runs.RunStatus;
import dev.forgeci.testkit.GoldenEvents;

/** What the scheduler consumes, read from the golden samples its producers are held to; what it produces, held to its own. */
class GoldenEventsTest {

    /** As Quarkus configures the service's mapper; a number the sample lacks fails instead of reading as 0. */
    private static final ObjectMapper JSON =
            new ObjectMapper().findAndRegisterModules().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    @Test
    void aControllersHeartbeatReadsIntoWhatTheWatchdogsUse() throws Exception {
        ControllerHeartbeat heartbeat =
                JSON.readValue(GoldenEvents.text("controller-heartbeats"), ControllerHeartbeat.class);

        assertThat(heartbeat.controllerId()).isEqualTo("ctl-untrusted-7f3a");
        assertThat(heartbeat.at()).isEqualTo(Instant.parse("2026-12-03T10:00:05Z"));
        assertThat(heartbeat.capacity()).isEqualTo(5);
        assertThat(heartbeat.startedAt()).isEqualTo(Instant.parse("2026-12-03T09:58:00Z"));
        assertThat(heartbeat.runningJobs())
                .containsExactly(new ControllerHeartbeat.RunningJob("01JZGOLDENRUN0000000000000", "build", 2));
    }

    @Test
    void recordsWithoutTheirIdentityCannotBeReadSoTheyGoToDeadLetters() throws Exception {
        ObjectNode event = (ObjectNode) GoldenEvents.tree("job-events.step-finished");
        ObjectNode heartbeat = (ObjectNode) GoldenEvents.tree("controller-heartbeats");
        ObjectNode request = (ObjectNode) GoldenEvents.tree("run-requested");

        assertThatThrownBy(() -> JSON.readValue(event.without("attempt").toString(), JobEvent.class))
                .hasRootCauseMessage("job event without type, runId, jobId or attempt");
        assertThatThrownBy(
                        () -> JSON.readValue(heartbeat.put("controllerId", " ").toString(), ControllerHeartbeat.class))
                .hasRootCauseMessage("heartbeat without controllerId");
        assertThatThrownBy(() -> JSON.readValue(request.without("workflow").toString(), RunRequested.class))
                .hasRootCauseMessage("run-requested 01JZGOLDENRUN0000000000000 without a workflow");
    }

    @Test
    void aFinishedStepReadsWithItsTimesAndTheActionThatRan() throws Exception {
        JobEvent event = JSON.readValue(GoldenEvents.text("job-events.step-finished"), JobEvent.class);

        assertThat(event.type()).isEqualTo(JobEvent.Type.STEP_FINISHED);
        assertThat(event.attempt()).isEqualTo(2);
        assertThat(event.seq()).isEqualTo(4L);
        assertThat(event.step().index()).isEqualTo(1);
        assertThat(event.step().status()).isEqualTo("success");
        assertThat(event.step().startedAt()).isEqualTo(Instant.parse("2026-12-03T10:00:01Z"));
        assertThat(event.step().durationMs()).isEqualTo(3000L);
        assertThat(event.step().summary()).isEqualTo("## checked out");
        assertThat(event.step().action())
                .isEqualTo(new JobEvent.Action("actions/checkout@v4", "0123456789abcdef0123456789abcdef01234567"));
    }

    @Test
    void anEventTypeOfANewerControllerReadsAsOtherAndTheRestOfTheEventStillReads() throws Exception {
        String newer = GoldenEvents.text("job-events.job-finished").replace("\"job-finished\"", "\"job-paused\"");
        JobEvent event = JSON.readValue(newer, JobEvent.class);

        assertThat(event.type()).isEqualTo(JobEvent.Type.OTHER);
        assertThat(event.attempt()).isEqualTo(2);
    }

    @Test
    void aFinishedJobReadsWithItsResultAndOutputs() throws Exception {
        JobEvent event = JSON.readValue(GoldenEvents.text("job-events.job-finished"), JobEvent.class);

        assertThat(event.type()).isEqualTo(JobEvent.Type.JOB_FINISHED);
        assertThat(event.controllerId()).isEqualTo("ctl-untrusted-7f3a");
        assertThat(event.status()).isEqualTo("failure");
        assertThat(event.exitCode()).isEqualTo(1);
        assertThat(event.reason()).isEqualTo("step Test failed with exit code 1");
        assertThat(event.outputs()).containsExactly(Map.entry("version", "1.2.3"));
    }

    @Test
    void aTerminalRunEventSerialisesToTheGoldenSample() throws Exception {
        ObjectMapper writer = JSON.copy().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        JsonNode golden = GoldenEvents.tree("run-events.failure");
        RunEvent event = new RunEvent(
                "01JZGOLDENRUN0000000000000",
                5,
                RunStatus.FAILURE,
                "job build failed",
                Instant.parse("2026-12-03T10:00:10Z"),
                new RunRequested.Repository("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5", "heartwood"),
                "0123456789abcdef0123456789abcdef01234567",
                "refs/patches/6bd8f4e1c0a4b2d9f7e3a1c5b8d2e6f4a0c9b7d3",
                "CI",
                golden.path("trigger"),
                null,
                Instant.parse("2026-12-03T09:59:58Z"),
                Instant.parse("2026-12-03T10:00:00Z"),
                Instant.parse("2026-12-03T10:00:10Z"),
                List.of(new RunEvent.JobOutcome("build", 2, "failure", 12L)),
                new RunEvent.Approval(
                        "operator",
                        "did:key:z6MkdelegateGoldenSample00000000000000000000",
                        Instant.parse("2026-12-03T09:59:58Z")));

        assertThat(writer.readTree(writer.writeValueAsString(event))).isEqualTo(golden);
    }

    @Test
    void aCancelRequestSerialisesToTheGoldenSample() throws Exception {
        ObjectMapper writer = JSON.copy().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        JobCancelRequested cancel = new JobCancelRequested(
                "01JZGOLDENRUN0000000000000",
                "build",
                2,
                JobCancelRequested.Reason.CANCELLED,
                Instant.parse("2026-12-03T10:00:07Z"));

        assertThat(writer.readTree(writer.writeValueAsString(cancel)))
                .isEqualTo(GoldenEvents.tree("job-cancel-requested"));
    }

    @Test
    void anUntrustedJobsDispatchSerialisesToTheGoldenSample() throws Exception {
        ObjectMapper writer = JSON.copy().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        JsonNode golden = GoldenEvents.tree("job-dispatched-untrusted");
        JobDispatched dispatch = new JobDispatched(
                "01JZGOLDENRUN0000000000000",
                "test-2",
                2,
                Instant.parse("2026-12-03T10:00:00Z"),
                new RunRequested.Repository("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5", "heartwood"),
                "0123456789abcdef0123456789abcdef01234567",
                "refs/patches/6bd8f4e1c0a4b2d9f7e3a1c5b8d2e6f4a0c9b7d3",
                "http://seed.example.org/z3gqcJUoA1n9HaHKufZs5FCSGazv5.git",
                false,
                "CI",
                golden.path("context"),
                golden.path("job"));

        assertThat(writer.readTree(writer.writeValueAsString(dispatch))).isEqualTo(golden);
    }
}
