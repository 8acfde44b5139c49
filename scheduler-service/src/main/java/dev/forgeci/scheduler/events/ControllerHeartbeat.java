package dev.forgeci.scheduler.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A runner-controller's periodic "I am alive, and this is what I run"; one without its controller cannot be read. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ControllerHeartbeat(
        String controllerId, Instant at, Integer capacity, List<RunningJob> running, Instant startedAt) {

    public ControllerHeartbeat {
        if (controllerId == null || controllerId.isBlank()) {
            throw new IllegalArgumentException("heartbeat without controllerId");
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunningJob(String runId, String jobId, Integer attempt) {}

    public List<RunningJob> runningJobs() {
        return running == null ? List.of() : running;
    }
}
