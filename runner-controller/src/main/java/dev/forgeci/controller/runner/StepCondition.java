package dev.forgeci.controller.runner;

import java.util.Locale;

/** A step's {@code if}, as the normalized job carries it; the agent decides with it what runs next. */
public enum StepCondition {

    SUCCESS, FAILURE, ALWAYS, CANCELLED;

    /** Accepts the plain word or the expression form, e.g. {@code always()}; null means success. */
    public static StepCondition of(String value) {
        if (value == null || value.isBlank()) {
            return SUCCESS;
        }
        String word = value.trim().toLowerCase(Locale.ROOT);
        if (word.endsWith("()")) {
            word = word.substring(0, word.length() - 2);
        }
        try {
            return valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("`if` must be success, failure, always or cancelled, not " + value, e);
        }
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
