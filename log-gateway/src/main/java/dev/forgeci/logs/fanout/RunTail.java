package dev.forgeci.logs.fanout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.forgeci.logs.frames.Frame;

/**
 * The live end of one watched run: the frames the shared read brought in most recently, in a ring
 * that every viewer of the run takes from. A viewer whose next frame has already left the ring
 * reads it from Redis itself, so it never slows the others and never misses a frame.
 */
final class RunTail {

    final String runId;
    private final Frame[] ring;
    private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
    private boolean ready;
    private boolean starting;
    /** Cursor of the oldest frame in the ring; greater than {@code last} while the ring is empty. */
    private long first = 1;
    /** The last cursor known to exist in the run's stream. */
    private long last;

    RunTail(String runId, int capacity) {
        this.runId = runId;
        this.ring = new Frame[capacity];
    }

    /** Positions the tail after the frames the stream already holds; the shared read continues from there. */
    synchronized void start(long existingFrames) {
        last = existingFrames;
        first = existingFrames + 1;
        ready = true;
    }

    /** True once, for the caller that positions the tail. */
    synchronized boolean claimStart() {
        if (starting) {
            return false;
        }
        starting = true;
        return true;
    }

    synchronized boolean ready() {
        return ready;
    }

    synchronized long last() {
        return last;
    }

    void append(List<Frame> frames) {
        synchronized (this) {
            for (Frame frame : frames) {
                if (frame.cursor() != last + 1) {
                    continue; // already seen (a read that raced a restart of the shared read)
                }
                ring[(int) (frame.cursor() % ring.length)] = frame;
                last = frame.cursor();
            }
            first = Math.max(first, last - ring.length + 1);
        }
        viewers.forEach(Viewer::wake);
    }

    /** Frames from {@code next} on, at most {@code max}, or where the viewer must read them instead. */
    synchronized Slice slice(long next, int max) {
        if (!ready || next > last) {
            return Slice.WAIT;
        }
        if (next < first) {
            return Slice.FROM_STORE;
        }
        int count = (int) Math.min(max, last - next + 1);
        Frame[] frames = new Frame[count];
        for (int i = 0; i < count; i++) {
            frames[i] = ring[(int) ((next + i) % ring.length)];
        }
        return new Slice(List.of(frames), false);
    }

    void add(Viewer viewer) {
        viewers.add(viewer);
    }

    void remove(Viewer viewer) {
        viewers.remove(viewer);
    }

    boolean unwatched() {
        return viewers.isEmpty();
    }

    Set<Viewer> viewers() {
        return viewers;
    }

    /** What a viewer gets: frames from the ring, or the word to read from the store, or nothing yet. */
    record Slice(List<Frame> frames, boolean fromStore) {
        static final Slice WAIT = new Slice(List.of(), false);
        static final Slice FROM_STORE = new Slice(List.of(), true);
    }
}
