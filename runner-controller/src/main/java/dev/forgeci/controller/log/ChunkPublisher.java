package dev.forgeci.controller.log;

import java.util.concurrent.CompletionStage;

import dev.forgeci.controller.events.LogChunk;

/** Sends a chunk to {@code job-log-chunks}; the stage completes when the broker acknowledged it. */
@FunctionalInterface
public interface ChunkPublisher {

    CompletionStage<Void> publish(LogChunk chunk);
}
