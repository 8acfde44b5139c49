package dev.forgeci.logs.events;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.logs.frames.Operations;
import dev.forgeci.logs.frames.Operations.Operation;
import dev.forgeci.logs.infra.LogStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Appends what the three topics say about a run to its stream. A record that cannot be decoded is
 * nacked and lands in {@code dead-letters}; a Redis failure is retried until Redis answers, so the
 * offset is never committed past a record that was not stored.
 */
@ApplicationScoped
public class EventConsumer {

    private final ObjectMapper json;
    private final Operations operations;
    private final LogStore store;

    public EventConsumer(ObjectMapper json, Operations operations, LogStore store) {
        this.json = json;
        this.operations = operations;
        this.store = store;
    }

    @Incoming(Topics.JOB_LOG_CHUNKS)
    public Uni<Void> onChunk(String record) {
        return store(operations.of(decode(record, LogChunk.class)), "chunk");
    }

    @Incoming(Topics.JOB_EVENTS)
    public Uni<Void> onJobEvent(String record) {
        return store(operations.of(decode(record, JobEvent.class)), "job event");
    }

    @Incoming(Topics.RUN_EVENTS)
    public Uni<Void> onRunEvent(String record) {
        return store(operations.of(decode(record, RunEvent.class)), "run event");
    }

    private Uni<Void> store(Operation op, String what) {
        return store.apply(op)
                .onFailure().invoke(e -> Log.warnf("run %s: storing a %s failed, retrying: %s", op.runId(), what, e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).indefinitely()
                .invoke(appended -> {
                    if (appended == -1) {
                        Log.debugf("run %s: %s redelivered, already stored", op.runId(), what);
                    } else if (appended == -2) {
                        Log.infof("run %s: %s arrived after the run's end frame; not shown", op.runId(), what);
                    }
                })
                .replaceWithVoid();
    }

    private <T> T decode(String record, Class<T> type) {
        if (record == null) {
            throw new InvalidEventException("empty record");
        }
        try {
            return json.readValue(record, type);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }
}
