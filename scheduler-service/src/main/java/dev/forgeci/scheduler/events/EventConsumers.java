package dev.forgeci.scheduler.events;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.scheduler.infra.RunStore;
import dev.forgeci.scheduler.runs.Changes;
import dev.forgeci.scheduler.runs.SchedulerEngine;
import io.quarkus.logging.Log;

/**
 * Reads the three input topics. A record that cannot be decoded is nacked, which sends it to the
 * dead-letter topic; a decoded one is acknowledged only after its effect is stored in Redis.
 */
@ApplicationScoped
public class EventConsumers {

    private final SchedulerEngine engine;
    private final RunStore store;
    private final ObjectMapper json;

    public EventConsumers(SchedulerEngine engine, RunStore store, ObjectMapper json) {
        this.engine = engine;
        this.store = store;
        this.json = json;
    }

    @Incoming(Topics.RUN_REQUESTED)
    public CompletionStage<Void> runRequested(Message<String> message) {
        RunRequested request;
        try {
            request = json.readValue(message.getPayload(), RunRequested.class);
            request.requireIdentity();
        } catch (Exception e) {
            return reject(Topics.RUN_REQUESTED, message, e);
        }
        return store.isKnown(request.runId()).thenCompose(known -> {
            if (known) {
                Log.infof("run %s: already known, redelivery ignored", request.runId());
                return message.ack();
            }
            return apply(message, changes -> engine.scheduler().accept(request, message.getPayload(), changes));
        });
    }

    @Incoming(Topics.JOB_EVENTS)
    public CompletionStage<Void> jobEvent(Message<String> message) {
        JobEvent event;
        try {
            event = json.readValue(message.getPayload(), JobEvent.class);
            event.requireIdentity();
        } catch (Exception e) {
            return reject(Topics.JOB_EVENTS, message, e);
        }
        return apply(message, changes -> engine.scheduler().onJobEvent(event, changes));
    }

    @Incoming(Topics.CONTROLLER_HEARTBEATS)
    public CompletionStage<Void> heartbeat(Message<String> message) {
        ControllerHeartbeat heartbeat;
        try {
            heartbeat = json.readValue(message.getPayload(), ControllerHeartbeat.class);
            heartbeat.requireIdentity();
        } catch (Exception e) {
            return reject(Topics.CONTROLLER_HEARTBEATS, message, e);
        }
        return apply(message, changes -> engine.scheduler().onHeartbeat(heartbeat, changes.now()));
    }

    private CompletionStage<Void> apply(Message<String> message, Consumer<Changes> action) {
        return engine.submit(changes -> {
            action.accept(changes);
            return null;
        }).handle((ignored, failure) -> failure == null ? message.ack() : message.nack(failure)).thenCompose(stage -> stage);
    }

    private static CompletionStage<Void> reject(String topic, Message<String> message, Exception e) {
        Log.warnf("%s: a record that cannot be read goes to the dead-letter topic: %s", topic, e.getMessage());
        return message.nack(e);
    }
}
