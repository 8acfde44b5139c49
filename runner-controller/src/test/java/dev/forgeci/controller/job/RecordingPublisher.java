package dev.forgeci.controller.job;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.forgeci.controller.events.ControllerHeartbeat;
import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.LogChunk;

/** Keeps what would go to the broker, in the order it was sent, acknowledged at once. */
final class RecordingPublisher implements Publisher {

    final List<Object> sent = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> publish(JobEvent event) {
        sent.add(event);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(LogChunk chunk) {
        sent.add(chunk);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(ControllerHeartbeat heartbeat) {
        sent.add(heartbeat);
        return CompletableFuture.completedFuture(null);
    }

    List<JobEvent> events() {
        return sent.stream()
                .filter(JobEvent.class::isInstance)
                .map(JobEvent.class::cast)
                .toList();
    }

    List<LogChunk.Line> lines() {
        return sent.stream()
                .filter(LogChunk.class::isInstance)
                .map(LogChunk.class::cast)
                .flatMap(chunk -> chunk.lines().stream())
                .toList();
    }

    JobEvent finished() {
        return events().stream()
                .filter(e -> JobEvent.Type.JOB_FINISHED.equals(e.type()))
                .findFirst()
                .orElseThrow();
    }

    JobEvent.StepReport step(int index) {
        return events().stream()
                .filter(e ->
                        JobEvent.Type.STEP_FINISHED.equals(e.type()) && e.step().index() == index)
                .map(JobEvent::step)
                .findFirst()
                .orElseThrow();
    }
}
