package dev.forgeci.scheduler.infra;

/** Doubling pauses, from 100 ms up to 5 s, for loops that wait for Redis or Kafka to come back. */
public final class Backoff {

    private long millis = 100;

    /** Sleeps; false when interrupted (the loop should end). */
    public boolean pause() {
        try {
            Thread.sleep(millis);
            millis = Math.min(5000, millis * 2);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void reset() {
        millis = 100;
    }

    public static void join(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
