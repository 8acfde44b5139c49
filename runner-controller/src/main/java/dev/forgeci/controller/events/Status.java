package dev.forgeci.controller.events;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A step's or a job's status as the controller reports it, in GitHub's words ({@code
 * steps.<id>.outcome}, {@code job.status}), which are also the words on the wire: {@code running}
 * while a step runs; {@code error} is Forge's own, for an end that is the infrastructure's fault
 * rather than the job's.
 */
public enum Status {
    RUNNING,
    SUCCESS,
    FAILURE,
    CANCELLED,
    SKIPPED,
    ERROR;

    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status a wire word names; an unknown word is a contract breach, not a failure. */
    public static Status of(String word) {
        for (Status status : values()) {
            if (status.word().equals(word)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown status '" + word + "'");
    }

    @Override
    public String toString() {
        return word();
    }
}
