package dev.forgeci.scheduler.runs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgeci.scheduler.events.OutboxMessage;

/**
 * What one batch of commands changed: the runs to store, the requests of new runs and the records to
 * publish. The store writes all of it in one Redis transaction, so state and outbox never disagree.
 */
public final class Changes {

    private final Instant now;
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final Map<String, String> requests = new LinkedHashMap<>();
    private final List<OutboxMessage> outbox = new ArrayList<>();

    public Changes(Instant now) {
        this.now = now;
    }

    /** Takes over the state another batch changed, not what it would publish. */
    public void absorb(Changes other) {
        runs.putAll(other.runs);
        requests.putAll(other.requests);
    }

    public Instant now() {
        return now;
    }

    void touch(Run run) {
        runs.put(run.runId(), run);
    }

    void created(Run run, String request) {
        requests.put(run.runId(), request);
        touch(run);
    }

    boolean isNew(String runId) {
        return requests.containsKey(runId);
    }

    void publish(String topic, String key, String value) {
        outbox.add(new OutboxMessage(topic, key, value));
    }

    public Collection<Run> runs() {
        return runs.values();
    }

    public Map<String, String> requests() {
        return requests;
    }

    public List<OutboxMessage> outbox() {
        return outbox;
    }

    public boolean isEmpty() {
        return runs.isEmpty() && outbox.isEmpty();
    }
}
