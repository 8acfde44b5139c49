package dev.forgeci.scheduler.runs;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A run's status; {@code waiting}: an untrusted run that nothing dispatches until it is approved. */
public enum RunStatus {
    WAITING,
    QUEUED,
    RUNNING,
    SUCCESS,
    FAILURE,
    CANCELLED,
    ERROR;

    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunStatus of(String word) {
        for (RunStatus status : values()) {
            if (status.word().equals(word)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown run status " + word);
    }

    public boolean terminal() {
        return this != WAITING && this != QUEUED && this != RUNNING;
    }

    /** The words, as an error message lists them. */
    public static String words() {
        return java.util.Arrays.stream(values())
                .map(RunStatus::word)
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
