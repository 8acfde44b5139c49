package dev.forgeci.scheduler.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A runner-controller's periodic "I am alive, and this is what I run". */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ControllerHeartbeat(String controllerId, Instant at, Integer capacity, List<RunningJob> running, Instant startedAt) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunningJob(String runId, String jobId, Integer attempt) {
    }

    public void requireIdentity() {
        if (controllerId == null || controllerId.isBlank()) {
            throw new IllegalArgumentException("heartbeat without controllerId");
        }
    }

    public List<RunningJob> runningJobs() {
        return running == null ? List.of() : running;
    }
}
