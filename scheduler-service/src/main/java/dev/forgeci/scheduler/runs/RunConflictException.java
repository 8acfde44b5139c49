package dev.forgeci.scheduler.runs;

/** The run exists but is in a state where the request makes no sense. */
public final class RunConflictException extends RuntimeException {

    public RunConflictException(String message) {
        super(message);
    }
}
