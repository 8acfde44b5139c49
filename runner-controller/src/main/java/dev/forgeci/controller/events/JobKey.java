package dev.forgeci.controller.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One attempt of one job of a run: what every event about it carries, and how a redelivery is recognised. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobKey(String runId, String jobId, int attempt) {

    @Override
    public String toString() {
        return runId + "/" + jobId + "#" + attempt;
    }
}
