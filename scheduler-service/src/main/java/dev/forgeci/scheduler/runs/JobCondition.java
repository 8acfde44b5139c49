package dev.forgeci.scheduler.runs;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A job's `if`: when it runs once everything it needs has ended. */
public enum JobCondition {
    SUCCESS, FAILURE, ALWAYS, CANCELLED;

    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static JobCondition fromWord(String word) {
        return parse(word).orElseThrow(() -> new IllegalArgumentException("unknown job condition " + word));
    }

    /** Accepts the normalized word, and GitHub's `always()` spelling for good measure; absent means success. */
    public static Optional<JobCondition> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(SUCCESS);
        }
        String word = text.strip().replace("()", "").toUpperCase(Locale.ROOT);
        for (JobCondition condition : values()) {
            if (condition.name().equals(word)) {
                return Optional.of(condition);
            }
        }
        return Optional.empty();
    }

    /** Clean-up jobs that still run in a cancelled run. */
    public boolean runsAfterCancel() {
        return this == ALWAYS || this == CANCELLED;
    }
}
