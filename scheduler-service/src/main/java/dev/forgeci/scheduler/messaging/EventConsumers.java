package dev.forgeci.scheduler.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.scheduler.events.ControllerHeartbeat;
import dev.forgeci.scheduler.events.JobEvent;
import dev.forgeci.scheduler.events.RunRequested;
import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.scheduler.infra.RunStore;
import dev.forgeci.scheduler.runs.Changes;
import dev.forgeci.scheduler.runs.SchedulerEngine;
import dev.forgeci.scheduler.runs.SchedulerStoppedException;
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
        return decode(
                Topics.RUN_REQUESTED,
                message,
                RunRequested.class,
                request -> store.isKnown(request.runId(), engine::running)
                        .handle((known, failure) -> {
                            if (failure != null) {
                                return notApplied();
                            }
                            if (known) {
                                Log.infof("run %s: already known, redelivery ignored", request.runId());
                                return message.ack();
                            }
                            return apply(
                                    message,
                                    changes -> engine.scheduler().accept(request, message.getPayload(), changes));
                        })
                        .thenCompose(stage -> stage));
    }

    @Incoming(Topics.JOB_EVENTS)
    public CompletionStage<Void> jobEvent(Message<String> message) {
        return decode(
                Topics.JOB_EVENTS,
                message,
                JobEvent.class,
                event -> apply(message, changes -> engine.scheduler().onJobEvent(event, changes)));
    }

    @Incoming(Topics.CONTROLLER_HEARTBEATS)
    public CompletionStage<Void> heartbeat(Message<String> message) {
        return decode(
                Topics.CONTROLLER_HEARTBEATS,
                message,
                ControllerHeartbeat.class,
                heartbeat -> apply(message, changes -> engine.scheduler().onHeartbeat(heartbeat, changes.now())));
    }

    /** Reads the record (its compact constructor checks it), or sends it to the dead-letter topic when it cannot be read. */
    private <T> CompletionStage<Void> decode(
            String topic, Message<String> message, Class<T> type, Function<T, CompletionStage<Void>> then) {
        T value;
        try {
            value = json.readValue(message.getPayload(), type);
        } catch (Exception e) {
            Log.warnf("%s: a record that cannot be read goes to the dead-letter topic: %s", topic, e.getMessage());
            return message.nack(e);
        }
        return then.apply(value);
    }

    private CompletionStage<Void> apply(Message<String> message, Consumer<Changes> action) {
        return engine.submit(changes -> {
                    action.accept(changes);
                    return null;
                })
                .handle((ignored, failure) -> {
                    if (failure == null) {
                        return message.ack();
                    }
                    if (failure instanceof SchedulerStoppedException
                            || failure.getCause() instanceof SchedulerStoppedException) {
                        return notApplied();
                    }
                    return message.nack(failure);
                })
                .thenCompose(stage -> stage);
    }

    /** The scheduler is stopping: not applied, not acknowledged, read again after the restart; not a dead letter. */
    private static CompletionStage<Void> notApplied() {
        return CompletableFuture.completedFuture(null);
    }
}
