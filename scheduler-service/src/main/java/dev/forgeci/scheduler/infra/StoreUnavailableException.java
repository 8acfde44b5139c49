package dev.forgeci.scheduler.infra;

/** Redis did not answer as expected; the caller may retry once it is back. */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
