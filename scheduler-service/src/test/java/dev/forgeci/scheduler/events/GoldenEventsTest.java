package dev.forgeci.scheduler.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.testkit.GoldenEvents;

/** What the scheduler consumes, read from the golden samples its producers are held to. */
class GoldenEventsTest {

    /** As Quarkus configures the service's mapper; a number the sample lacks fails instead of reading as 0. */
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    @Test
    void aControllersHeartbeatReadsIntoWhatTheWatchdogsUse() throws Exception {
        ControllerHeartbeat heartbeat = JSON.readValue(GoldenEvents.text("controller-heartbeats"), ControllerHeartbeat.class);
        heartbeat.requireIdentity();

        assertThat(heartbeat.controllerId()).isEqualTo("ctl-untrusted-7f3a");
        assertThat(heartbeat.at()).isEqualTo(Instant.parse("2026-12-03T10:00:05Z"));
        assertThat(heartbeat.capacity()).isEqualTo(5);
        assertThat(heartbeat.startedAt()).isEqualTo(Instant.parse("2026-12-03T09:58:00Z"));
        assertThat(heartbeat.runningJobs()).containsExactly(new ControllerHeartbeat.RunningJob("01JZGOLDENRUN0000000000000", "build", 2));
    }

    @Test
    void aFinishedStepReadsWithItsTimesAndTheActionThatRan() throws Exception {
        JobEvent event = JSON.readValue(GoldenEvents.text("job-events.step-finished"), JobEvent.class);
        event.requireIdentity();

        assertThat(event.type()).isEqualTo(JobEvent.STEP_FINISHED);
        assertThat(event.attempt()).isEqualTo(2);
        assertThat(event.seq()).isEqualTo(4L);
        assertThat(event.step().index()).isEqualTo(1);
        assertThat(event.step().status()).isEqualTo("success");
        assertThat(event.step().startedAt()).isEqualTo(Instant.parse("2026-12-03T10:00:01Z"));
        assertThat(event.step().durationMs()).isEqualTo(3000L);
        assertThat(event.step().summary()).isEqualTo("## checked out");
        assertThat(event.step().action()).isEqualTo(new JobEvent.Action("actions/checkout@v4", "0123456789abcdef0123456789abcdef01234567"));
    }

    @Test
    void aFinishedJobReadsWithItsResultAndOutputs() throws Exception {
        JobEvent event = JSON.readValue(GoldenEvents.text("job-events.job-finished"), JobEvent.class);
        event.requireIdentity();

        assertThat(event.type()).isEqualTo(JobEvent.JOB_FINISHED);
        assertThat(event.controllerId()).isEqualTo("ctl-untrusted-7f3a");
        assertThat(event.status()).isEqualTo("failure");
        assertThat(event.exitCode()).isEqualTo(1);
        assertThat(event.reason()).isEqualTo("step Test failed with exit code 1");
        assertThat(event.outputs()).containsExactly(Map.entry("version", "1.2.3"));
    }
}
