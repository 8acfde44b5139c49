package dev.forgeci.logs.events;

/** What the records' compact constructors check: what identifies an event, so that one lacking it cannot be read. */
final class Checks {

    private Checks() {}

    static void require(Object value, String field) {
        if (value == null || value.toString().isBlank()) {
            throw new InvalidEventException("missing " + field);
        }
    }

    static void positive(Number value, String field) {
        if (value == null || value.longValue() < 1) {
            throw new InvalidEventException(field + " must be a number from 1, was " + value);
        }
    }
}
