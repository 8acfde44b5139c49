package dev.forgeci.scheduler.runs;

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
        return EnumWords.word(this);
    }

    @JsonCreator
    public static RunStatus of(String word) {
        return EnumWords.parse(RunStatus.class, word, "run status");
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
