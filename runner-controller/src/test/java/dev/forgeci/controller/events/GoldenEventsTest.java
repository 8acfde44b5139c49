package dev.forgeci.controller.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.forgeci.controller.runner.RunnerPool;
import dev.forgeci.testkit.GoldenEvents;

/** What this controller produces is what the golden samples say its consumers read. */
class GoldenEventsTest {

    /** As Quarkus configures the service's mapper: java.time modules, dates as ISO-8601 text. */
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void aHeartbeatSerialisesToTheGoldenSample() throws Exception {
        ControllerHeartbeat heartbeat = new ControllerHeartbeat("ctl-untrusted-7f3a", RunnerPool.UNTRUSTED.label(),
                Instant.parse("2026-12-03T10:00:05Z"), 5, List.of(new JobKey("01JZGOLDENRUN0000000000000", "build", 2)),
                Instant.parse("2026-12-03T09:58:00Z"));

        assertThat(JSON.readTree(JSON.writeValueAsString(heartbeat))).isEqualTo(GoldenEvents.tree("controller-heartbeats"));
    }

    @Test
    void aFinishedStepSerialisesToTheGoldenSample() throws Exception {
        JobEvent.StepReport step = new JobEvent.StepReport(1, "Check out", "success", 0, Instant.parse("2026-12-03T10:00:01Z"),
                Instant.parse("2026-12-03T10:00:04Z"), 3000L, "## checked out",
                new JobEvent.Action("actions/checkout@v4", "0123456789abcdef0123456789abcdef01234567"));
        JobEvent event = new JobEvent(JobEvent.STEP_FINISHED, "01JZGOLDENRUN0000000000000", "build", 2, 4, "ctl-untrusted-7f3a",
                Instant.parse("2026-12-03T10:00:04Z"), step, null, null, null, null, null, null);

        assertThat(JSON.readTree(JSON.writeValueAsString(event))).isEqualTo(GoldenEvents.tree("job-events.step-finished"));
    }

    @Test
    void aFinishedJobSerialisesToTheGoldenSample() throws Exception {
        JobEvent event = new JobEvent(JobEvent.JOB_FINISHED, "01JZGOLDENRUN0000000000000", "build", 2, 7, "ctl-untrusted-7f3a",
                Instant.parse("2026-12-03T10:00:09Z"), null, "failure", 1, "step Test failed with exit code 1", 12L, 340L,
                Map.of("version", "1.2.3"));

        assertThat(JSON.readTree(JSON.writeValueAsString(event))).isEqualTo(GoldenEvents.tree("job-events.job-finished"));
    }
}
