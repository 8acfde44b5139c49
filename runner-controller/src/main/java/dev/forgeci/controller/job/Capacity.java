package dev.forgeci.controller.job;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** At most {@code slots} jobs at once; a request beyond that completes when a slot frees. */
final class Capacity {

    private final int slots;
    private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int used;

    Capacity(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("forge.controller.capacity must be at least 1, not " + slots);
        }
        this.slots = slots;
    }

    int slots() {
        return slots;
    }

    CompletionStage<Void> acquire() {
        synchronized (this) {
            if (used < slots) {
                used++;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> slot = new CompletableFuture<>();
            waiting.add(slot);
            return slot;
        }
    }

    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                used--;
            }
        }
        // Completed outside the lock: the waiter continues on this thread.
        if (next != null) {
            next.complete(null);
        }
    }
}
