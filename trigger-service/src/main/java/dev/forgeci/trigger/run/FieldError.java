package dev.forgeci.trigger.run;

/** A request field that failed validation, and why, as the problem's {@code errors} report it. */
public record FieldError(String field, String message) {}
