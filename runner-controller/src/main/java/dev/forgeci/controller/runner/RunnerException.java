package dev.forgeci.controller.runner;

/** The Docker daemon refused or failed an operation; the message is the daemon's reason. */
public class RunnerException extends RuntimeException {

    public RunnerException(String message, Throwable cause) {
        super(message, cause);
    }
}
