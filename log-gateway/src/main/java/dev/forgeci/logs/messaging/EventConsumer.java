package dev.forgeci.logs.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.logs.config.LogsConfig;
import dev.forgeci.logs.events.InvalidEventException;
import dev.forgeci.logs.events.JobEvent;
import dev.forgeci.logs.events.LogChunk;
import dev.forgeci.logs.events.RunEvent;
import dev.forgeci.logs.events.Topics;
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

    private static final Duration NAME_POLL = Duration.ofMillis(25);

    private final ObjectMapper json;
    private final Operations operations;
    private final LogStore store;
    private final Duration stepNameWait;

    public EventConsumer(ObjectMapper json, Operations operations, LogStore store, LogsConfig config) {
        this.json = json;
        this.operations = operations;
        this.store = store;
        this.stepNameWait = config.stepNameWait();
    }

    @Incoming(Topics.JOB_LOG_CHUNKS)
    public Uni<Void> onChunk(String record) {
        Operation op = operations.of(decode(record, LogChunk.class));
        op.script().put("waitForNames", true);
        return store(op, "chunk", stepNameWait.plus(NAME_POLL));
    }

    @Incoming(Topics.JOB_EVENTS)
    public Uni<Void> onJobEvent(String record) {
        return store(operations.of(decode(record, JobEvent.class)), "job event", Duration.ZERO);
    }

    @Incoming(Topics.RUN_EVENTS)
    public Uni<Void> onRunEvent(String record) {
        return store(operations.of(decode(record, RunEvent.class)), "run event", Duration.ZERO);
    }

    /**
     * Applies the operation, retrying Redis failures until Redis answers. Lines whose step has not
     * started yet wait up to {@code nameWait} for its step-started, then are written anyway.
     */
    private Uni<Void> store(Operation op, String what, Duration nameWait) {
        if (nameWait.compareTo(NAME_POLL) < 0) {
            op.script().put("waitForNames", false);
        }
        return store.apply(op)
                .onFailure()
                .invoke(e -> Log.warnf("run %s: storing a %s failed, retrying: %s", op.runId(), what, e.getMessage()))
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5))
                .indefinitely()
                .chain(appended -> {
                    if (appended == LogStore.STEP_NOT_STARTED) {
                        return Uni.createFrom()
                                .voidItem()
                                .onItem()
                                .delayIt()
                                .by(NAME_POLL)
                                .chain(() -> store(op, what, nameWait.minus(NAME_POLL)));
                    }
                    if (appended == LogStore.REDELIVERED) {
                        Log.debugf("run %s: %s redelivered, already stored", op.runId(), what);
                    } else if (appended == LogStore.AFTER_END) {
                        Log.infof("run %s: %s arrived after the run's end frame; not shown", op.runId(), what);
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    private <T> T decode(String record, Class<T> type) {
        if (record == null) {
            throw new InvalidEventException("empty record");
        }
        try {
            return json.readValue(record, type);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof InvalidEventException invalid) {
                throw invalid;
            }
            throw new InvalidEventException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }
}
