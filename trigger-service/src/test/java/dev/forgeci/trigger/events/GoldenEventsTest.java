package dev.forgeci.trigger.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.testkit.GoldenEvents;

/** The run events the commit-status reporter reads, from the golden sample the scheduler is held to. */
class GoldenEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTerminalRunEventReadsWithTheTriggerItsStatusGoesBackTo() throws Exception {
        RunEvent event = JSON.readValue(GoldenEvents.text("run-events.failure"), RunEvent.class);

        assertThat(RunEvent.isTerminal(event.status())).isTrue();
        assertThat(event.seq()).isEqualTo(5L);
        assertThat(event.commit()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
        assertThat(event.workflow()).isEqualTo("CI");
        assertThat(event.trigger().kind()).isEqualTo("patch");
        assertThat(event.trigger().trusted()).isFalse();
        assertThat(event.trigger().statusUrl()).isEqualTo("http://seed.example.org/statuses");
        assertThat(event.trigger().statusContext()).isEqualTo("forge/CI");
        assertThat(event.trigger().patchId()).isEqualTo("6bd8f4e1c0a4b2d9f7e3a1c5b8d2e6f4a0c9b7d3");
    }
}
