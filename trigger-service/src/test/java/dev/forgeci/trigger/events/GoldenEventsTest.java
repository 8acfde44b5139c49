package dev.forgeci.trigger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.GoldenEvents;
import dev.forgeci.trigger.workflow.CompiledWorkflow;
import dev.forgeci.trigger.workflow.RunPlan;
import dev.forgeci.trigger.workflow.WorkflowCompiler;

/** What the trigger produces, held to its golden sample; the run events its status reporter reads, from the scheduler's. */
class GoldenEventsTest {

    /** As Quarkus configures the service's mapper: java.time modules, dates as ISO-8601 text. */
    private static final ObjectMapper JSON =
            new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** The workflow whose compiled jobs the sample holds: a change to what the compiler makes of it changes the contract. */
    private static final String WORKFLOW = """
            name: CI
            on: [push, patch]
            concurrency:
              group: ci-${{ github.ref }}
              cancel-in-progress: true
            jobs:
              build:
                runs-on: ubuntu-latest
                outputs:
                  version: ${{ steps.v.outputs.version }}
                steps:
                  - uses: actions/checkout@v4
                  - id: v
                    run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"
              test:
                needs: build
                runs-on: ubuntu-latest
                env:
                  VERSION: ${{ needs.build.outputs.version }}
                steps:
                  - run: npm test
            """;

    @Test
    void anUntrustedPatchsRunRequestSerialisesToTheGoldenSample() throws Exception {
        JsonNode golden = GoldenEvents.tree("run-requested");
        ObjectNode context = (ObjectNode) golden.path("context");
        CompiledWorkflow workflow = new WorkflowCompiler().compile(".github/workflows/ci.yml", WORKFLOW);
        RunPlan.Planned plan = RunPlan.plan(workflow, context::get, false, Set.of("ubuntu-latest"));
        RunRequested request = new RunRequested(
                        "01JZGOLDENRUN0000000000000",
                        Instant.parse("2026-12-03T09:59:58Z"),
                        new RunRequested.Trigger(
                                "patch",
                                "z6MkstrangerGoldenSample000000000000000000000",
                                false,
                                true,
                                "6e7b1c2a-0d4f-4b8e-9a3c-5f1e2d7c8b90",
                                null,
                                "6bd8f4e1c0a4b2d9f7e3a1c5b8d2e6f4a0c9b7d3",
                                "http://seed.example.org/statuses",
                                "forge/CI",
                                "z6MknodeGoldenSample00000000000000000000000000",
                                null),
                        new RunRequested.Repository("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5", "heartwood"),
                        "0123456789abcdef0123456789abcdef01234567",
                        "refs/patches/6bd8f4e1c0a4b2d9f7e3a1c5b8d2e6f4a0c9b7d3",
                        "http://seed.example.org/z3gqcJUoA1n9HaHKufZs5FCSGazv5.git",
                        context,
                        new RunRequested.Workflow(
                                workflow.name(), workflow.file(), plan.runName(), plan.concurrency(), plan.jobs()))
                .withInfoUrl("http://127.0.0.1:8080/runs/01JZGOLDENRUN0000000000000");

        assertThat(JSON.readTree(JSON.writeValueAsString(request))).isEqualTo(golden);
    }

    @Test
    void aRunEventWithoutItsStatusCannotBeRead() {
        ObjectNode sample = (ObjectNode) GoldenEvents.tree("run-events.failure");

        assertThatThrownBy(() -> JSON.readValue(sample.without("status").toString(), RunEvent.class))
                .hasRootCauseMessage("a run-event needs a runId and a status");
    }

    @Test
    void aStatusANewerSchedulerMightSendReadsAsOtherAndEndsNothing() throws Exception {
        ObjectNode sample = (ObjectNode) GoldenEvents.tree("run-events.failure");
        sample.put("status", "paused");

        RunEvent event = JSON.readValue(sample.toString(), RunEvent.class);

        assertThat(event.status()).isEqualTo(RunStatus.OTHER);
        assertThat(event.status().terminal()).isFalse();
    }

    @Test
    void aTerminalRunEventReadsWithTheTriggerItsStatusGoesBackTo() throws Exception {
        RunEvent event = JSON.readValue(GoldenEvents.text("run-events.failure"), RunEvent.class);

        assertThat(event.status()).isEqualTo(RunStatus.FAILURE);
        assertThat(event.status().terminal()).isTrue();
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
