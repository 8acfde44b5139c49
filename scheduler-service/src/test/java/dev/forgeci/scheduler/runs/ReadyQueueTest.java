package dev.forgeci.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.scheduler.events.RunRequested;

/** The choice of the next job, without Kafka or Redis. */
class ReadyQueueTest {

    private final ReadyQueue queue = new ReadyQueue();
    private long clock;

    @Test
    void higherPriorityFirstThenFewestInFlightThenFirstIn() {
        Run patch = run("a", "patch", 10);
        Run pushA1 = run("a", "push", 20);
        Run pushA2 = run("a", "push", 20);
        Run pushB = run("b", "push", 20);
        Run manual = run("c", "manual", 30);
        List.of(patch, pushA1, pushA2, pushB, manual)
                .forEach(run -> queue.add(run, run.jobs().get(0)));
        queue.occupy("rad:za");

        List<String> order = new ArrayList<>();
        ReadyQueue.Entry next;
        while ((next = queue.take(10, 10)) != null) {
            order.add(next.run().runId());
        }
        // b has nothing in flight while a has one, so b's push goes before a's older ones.
        assertThat(order).containsExactly(manual.runId(), pushB.runId(), pushA1.runId(), pushA2.runId(), patch.runId());
    }

    @Test
    void limitsHoldJobsBackAndLowerPrioritiesFillWhatHigherOnesCannotUse() {
        Run pushA = run("a", "push", 20);
        Run patchB = run("b", "patch", 10);
        queue.add(pushA, pushA.jobs().get(0));
        queue.add(patchB, patchB.jobs().get(0));
        queue.occupy("rad:za");

        assertThat(queue.take(3, 1).run()).isSameAs(patchB);
        assertThat(queue.take(3, 1)).isNull();
        queue.release("rad:za");
        assertThat(queue.take(3, 1).run()).isSameAs(pushA);
        assertThat(queue.inFlight()).isEqualTo(2);
        assertThat(queue.queued()).isZero();
        assertThat(queue.take(3, 5)).isNull();
    }

    private Run run(String repository, String kind, int priority) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode trigger = json.createObjectNode().put("kind", kind);
        Instant at = Instant.EPOCH.plusSeconds(++clock);
        RunRequested request = new RunRequested(
                RunIds.next(at),
                at,
                trigger,
                new RunRequested.Repository("rad:z" + repository, repository),
                "c",
                "r",
                "u",
                null,
                new RunRequested.Workflow("w", "f", null, null, List.of()));
        JobSpec spec = new JobSpec(
                "build", "build", "build", List.of(), "success", 10.0, false, null, null, List.of(), null, null);
        Run run = Run.create(request, at, List.of(Job.of(spec, json.createObjectNode(), 0, 360)));
        run.prioritize(priority);
        return run;
    }
}
