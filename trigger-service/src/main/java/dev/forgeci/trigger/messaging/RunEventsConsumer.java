package dev.forgeci.trigger.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.trigger.events.RunEvent;
import dev.forgeci.trigger.events.Topics;
import dev.forgeci.trigger.infra.RunStatusStore;
import dev.forgeci.trigger.run.RunWaiters;
import dev.forgeci.trigger.status.CommitStatusReporter;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;

/**
 * Follows {@code run-events}: keeps the run status view for the ci-broker adapter, wakes its waits,
 * and hands each event to the commit-status reporter (which never blocks). A record that cannot be
 * decoded fails here and goes to {@code dead-letters}; the consumer carries on.
 */
@ApplicationScoped
public class RunEventsConsumer {

    private final ObjectMapper json;
    private final RunStatusStore store;
    private final RunWaiters waiters;
    private final CommitStatusReporter reporter;

    public RunEventsConsumer(
            ObjectMapper json, RunStatusStore store, RunWaiters waiters, CommitStatusReporter reporter) {
        this.json = json;
        this.store = store;
        this.waiters = waiters;
        this.reporter = reporter;
    }

    @Incoming(Topics.RUN_EVENTS)
    @Blocking
    public void consume(String record) throws JsonProcessingException {
        RunEvent event = json.readValue(record, RunEvent.class);
        waiters.statusChanged(event.runId(), event.status());
        try {
            store.record(event.runId(), event.status());
        } catch (RuntimeException e) {
            // A view, rebuilt from the topic; the event itself must not be dead-lettered for this.
            Log.warnf("run %s: could not record status %s in Redis: %s", event.runId(), event.status(), e.getMessage());
        }
        reporter.report(event);
    }
}
