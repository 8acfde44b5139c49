package dev.forgeci.logs.events;

/** A record that decodes as JSON but lacks what identifies it; it goes to the dead letters. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }
}
