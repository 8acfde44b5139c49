package dev.forgeci.logs.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.GoldenEvents;

/** The chunks and events the gateway turns into frames, read from the golden samples their producers are held to. */
class GoldenEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLogChunkReadsWithItsLineNumbersStreamsAndSteps() throws Exception {
        LogChunk chunk = JSON.readValue(GoldenEvents.text("job-log-chunks"), LogChunk.class);

        assertThat(chunk.attempt()).isEqualTo(2);
        assertThat(chunk.seq()).isEqualTo(3L);
        assertThat(chunk.firstLine()).isEqualTo(41L);
        assertThat(chunk.at()).isEqualTo("2026-12-03T10:00:03Z");
        assertThat(chunk.lines())
                .containsExactly(
                        new LogChunk.Line(null, "system", "Runner forge-runner:local, isolation sysbox"),
                        new LogChunk.Line(1, "stdout", "> npm test"),
                        new LogChunk.Line(1, "stderr", "npm warn config production Use `--omit=dev` instead."));
    }

    @Test
    void aChunkOrEventWithoutWhatPlacesItCannotBeReadAndDefaultsFillTheRest() throws Exception {
        ObjectNode chunk = (ObjectNode) GoldenEvents.tree("job-log-chunks");
        assertThatThrownBy(() -> JSON.readValue(chunk.deepCopy().put("seq", 0).toString(), LogChunk.class))
                .hasRootCauseInstanceOf(InvalidEventException.class)
                .hasRootCauseMessage("seq must be a number from 1, was 0");
        LogChunk sparse = JSON.readValue(
                chunk.deepCopy().without(List.of("firstLine", "lines")).toString(), LogChunk.class);
        assertThat(sparse.firstLine()).isEqualTo(1L);
        assertThat(sparse.lines()).isEmpty();

        ObjectNode event = (ObjectNode) GoldenEvents.tree("job-events.job-finished");
        assertThatThrownBy(() -> JSON.readValue(event.without("jobId").toString(), JobEvent.class))
                .hasRootCauseMessage("missing jobId");

        ObjectNode run = (ObjectNode) GoldenEvents.tree("run-events.failure");
        ((ObjectNode) run.withArray("jobs").get(0)).remove(List.of("attempt", "logChunks"));
        assertThat(JSON.readValue(run.toString(), RunEvent.class).jobs())
                .containsExactly(new RunEvent.Job("build", 1, "failure", 0L));
    }

    @Test
    void aFinishedStepReadsWithWhatItsFrameShows() throws Exception {
        JobEvent event = JSON.readValue(GoldenEvents.text("job-events.step-finished"), JobEvent.class);

        assertThat(event.type()).isEqualTo(JobEvent.Type.STEP_FINISHED);
        assertThat(event.seq()).isEqualTo(4L);
        assertThat(event.step())
                .isEqualTo(new JobEvent.Step(
                        1, "Check out", "success", 0, "2026-12-03T10:00:01Z", "2026-12-03T10:00:04Z", 3000L));
    }

    @Test
    void anEventTypeOfANewerControllerReadsAsOther() throws Exception {
        String newer = GoldenEvents.text("job-events.job-finished").replace("\"job-finished\"", "\"job-paused\"");

        assertThat(JSON.readValue(newer, JobEvent.class).type()).isEqualTo(JobEvent.Type.OTHER);
    }

    @Test
    void aFinishedJobReadsWithItsResultAndLineCount() throws Exception {
        JobEvent event = JSON.readValue(GoldenEvents.text("job-events.job-finished"), JobEvent.class);

        assertThat(event.type()).isEqualTo(JobEvent.Type.JOB_FINISHED);
        assertThat(event.attempt()).isEqualTo(2);
        assertThat(event.status()).isEqualTo("failure");
        assertThat(event.exitCode()).isEqualTo(1);
        assertThat(event.logChunks()).isEqualTo(12L);
        assertThat(event.logLines()).isEqualTo(340L);
    }

    @Test
    void aTerminalRunEventReadsWithEachJobsLastChunk() throws Exception {
        RunEvent event = JSON.readValue(GoldenEvents.text("run-events.failure"), RunEvent.class);

        assertThat(event.terminal()).isTrue();
        assertThat(event.seq()).isEqualTo(5L);
        assertThat(event.repository())
                .isEqualTo(new RunEvent.Repository("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5", "heartwood"));
        assertThat(event.finishedAt()).isEqualTo("2026-12-03T10:00:10Z");
        assertThat(event.jobs()).containsExactly(new RunEvent.Job("build", 2, "failure", 12L));
    }
}
