package dev.forgeci.scheduler.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonValue;

/** Asks every runner-controller to stop one attempt of a job. */
public record JobCancelRequested(String runId, String jobId, int attempt, Reason reason, Instant requestedAt) {

    /** Why the attempt stops: on request (or a failed matrix sibling), a newer run of its concurrency group, or a new attempt. */
    public enum Reason {
        CANCELLED("cancelled"),
        SUPERSEDED("superseded"),
        REDISPATCHED("redispatched");

        private final String wire;

        Reason(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }
}
