package dev.forgeci.scheduler.runs;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

public enum RunStatus {
    QUEUED, RUNNING, SUCCESS, FAILURE, CANCELLED, ERROR;

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
        return this != QUEUED && this != RUNNING;
    }
}
