package dev.forgeci.trigger.events;

import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A run's status as the scheduler words it on {@code run-events}. A word this service does not know
 * (from a newer scheduler) reads as {@code OTHER}, which is not terminal, so nothing acts on it.
 */
public enum RunStatus {
    WAITING,
    QUEUED,
    RUNNING,
    SUCCESS,
    FAILURE,
    CANCELLED,
    ERROR,
    OTHER;

    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunStatus of(String word) {
        if (word == null) {
            return null;
        }
        return Arrays.stream(values())
                .filter(status -> status != OTHER && status.word().equals(word))
                .findFirst()
                .orElse(OTHER);
    }

    public boolean terminal() {
        return this == SUCCESS || this == FAILURE || this == CANCELLED || this == ERROR;
    }
}
