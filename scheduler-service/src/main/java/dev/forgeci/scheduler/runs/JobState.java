package dev.forgeci.scheduler.runs;

import java.util.Locale;

/**
 * Where a job is. The public status folds the three waiting states into `queued`: WAITING for its
 * `needs`, READY for a free slot, DISPATCHED to a controller that has not started it yet.
 */
public enum JobState {
    WAITING,
    READY,
    DISPATCHED,
    RUNNING,
    SUCCESS,
    FAILURE,
    CANCELLED,
    SKIPPED,
    ERROR;

    public boolean terminal() {
        return ordinal() >= SUCCESS.ordinal();
    }

    /** Counts against the global and per-repository limits. */
    public boolean holdsSlot() {
        return this == DISPATCHED || this == RUNNING;
    }

    public String status() {
        return switch (this) {
            case WAITING, READY, DISPATCHED -> "queued";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }

    /** A controller's word for how a job or step ended; anything unknown is an infrastructure error. */
    public static JobState ofOutcome(String status) {
        if (status == null) {
            return ERROR;
        }
        return switch (status) {
            case "success" -> SUCCESS;
            case "failure" -> FAILURE;
            case "cancelled" -> CANCELLED;
            case "skipped" -> SKIPPED;
            default -> ERROR;
        };
    }
}
