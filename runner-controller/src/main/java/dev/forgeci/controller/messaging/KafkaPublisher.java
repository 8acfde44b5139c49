package dev.forgeci.controller.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.controller.events.ControllerHeartbeat;
import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.LogChunk;
import dev.forgeci.controller.events.Topics;
import dev.forgeci.controller.job.Publisher;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends the controller's records as JSON, keyed by run id (heartbeats by controller id), through
 * idempotent producers with acks=all (see application.properties). Each stage completes on the
 * broker's acknowledgement. The buffers are unbounded here because every caller bounds itself:
 * a job's log by its unacknowledged chunks, a job's events by its steps.
 */
@ApplicationScoped
public class KafkaPublisher implements Publisher {

    private final MutinyEmitter<String> events;
    private final MutinyEmitter<String> chunks;
    private final MutinyEmitter<String> heartbeats;
    private final ObjectMapper json;

    public KafkaPublisher(
            @Channel(Topics.JOB_EVENTS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<String> events,
            @Channel(Topics.JOB_LOG_CHUNKS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
                    MutinyEmitter<String> chunks,
            @Channel(Topics.CONTROLLER_HEARTBEATS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
                    MutinyEmitter<String> heartbeats,
            ObjectMapper json) {
        this.events = events;
        this.chunks = chunks;
        this.heartbeats = heartbeats;
        this.json = json;
    }

    @Override
    public CompletionStage<Void> publish(JobEvent event) {
        return send(events, event.runId(), event);
    }

    @Override
    public CompletionStage<Void> publish(LogChunk chunk) {
        return send(chunks, chunk.runId(), chunk);
    }

    @Override
    public CompletionStage<Void> publish(ControllerHeartbeat heartbeat) {
        return send(heartbeats, heartbeat.controllerId(), heartbeat);
    }

    private CompletionStage<Void> send(MutinyEmitter<String> emitter, String key, Object value) {
        String payload;
        try {
            payload = json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        Message<String> message = Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .build());
        // Subscribing sends now, on the caller's thread, so records leave in the order they were sent.
        Uni<Void> acknowledged = emitter.sendMessage(message);
        return acknowledged.subscribeAsCompletionStage();
    }
}
