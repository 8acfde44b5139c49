package dev.forgeci.controller.actions;

/** An action could not be fetched or read; the message is the sentence the job's log shows. */
public final class ActionUnavailableException extends RuntimeException {

    public ActionUnavailableException(String message) {
        super(message);
    }
}
