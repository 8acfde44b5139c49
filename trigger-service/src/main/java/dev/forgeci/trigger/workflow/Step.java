package dev.forgeci.trigger.workflow;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A normalized step: every default filled in, so no other service ever reads YAML. {@code index}
 * counts from 0 within its job; {@code env} holds only the step's own variables (the runner lays
 * them over the job's).
 */
public record Step(int index, String name, String run, String shell, String workingDirectory,
        Map<String, String> env, int timeoutMinutes, boolean continueOnError, @JsonProperty("if") String condition) {
}
