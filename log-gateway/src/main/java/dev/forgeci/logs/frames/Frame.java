package dev.forgeci.logs.frames;

/**
 * One frame of a run's log as stored: its cursor (its number in the run, from 1), its type, the JSON
 * a client receives (which already carries the cursor) and the terminal text raw mode sends.
 */
public record Frame(long cursor, String type, String json, String raw) {

    public static final String END = "end";

    public boolean isEnd() {
        return END.equals(type);
    }
}
