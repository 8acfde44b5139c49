package dev.forgeci.logs.fanout;

import java.time.Duration;
import java.util.List;

import dev.forgeci.logs.frames.Frame;
import dev.forgeci.logs.infra.LogStore;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * One WebSocket client of a run. Its state lives on its connection's event loop: it sends a batch,
 * waits until the socket took it, then takes the next batch from the shared tail or, when it fell
 * behind the tail, from Redis. A client that stops reading therefore holds one batch and nothing
 * else, and is closed with the cursor to resume from once it stalled too long.
 */
public final class Viewer {

    /** Close codes, documented in the README. */
    public static final int RUN_FINISHED = 1000;

    public static final int TOO_SLOW = 4408;
    public static final int UNKNOWN_RUN = 4404;

    private final WebSocketConnection connection;
    private final Context context;
    private final LogStore store;
    private final String runId;
    private final boolean raw;
    private final int batch;
    private RunTail tail;
    /** The last cursor the socket has taken. */
    private long sent;

    private boolean busy;
    private boolean closed;
    private volatile long sendingSince;
    private volatile boolean closingSlow;

    Viewer(
            WebSocketConnection connection,
            Context context,
            LogStore store,
            String runId,
            boolean raw,
            long cursor,
            int batch) {
        this.connection = connection;
        this.context = context;
        this.store = store;
        this.runId = runId;
        this.raw = raw;
        this.sent = cursor;
        this.batch = batch;
    }

    public String runId() {
        return runId;
    }

    void attach(RunTail tail) {
        context.runOnContext(v -> {
            this.tail = tail;
            pump();
        });
    }

    /** Called from any thread when the tail has new frames. */
    void wake() {
        context.runOnContext(v -> pump());
    }

    /** How long the socket has been holding the current batch, or zero. */
    long stalledMillis(long now) {
        long since = sendingSince;
        return since == 0 ? 0 : now - since;
    }

    /** Closes a stalled viewer (once: the answer is true for the call that closes it). */
    boolean closeTooSlow(Duration stallTimeout) {
        if (closingSlow) {
            return false;
        }
        closingSlow = true;
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            Log.infof(
                    "run %s: closing viewer %s, it took nothing for %ss; it may resume from cursor %d",
                    runId, connection.id(), stallTimeout.toSeconds(), sent);
            close(TOO_SLOW, "client too slow; reconnect with cursor=" + sent);
        });
        return true;
    }

    /** Closes the socket unless the run produced something meanwhile (called on the wait deadline). */
    void closeIfStillUnknown(Duration waited) {
        context.runOnContext(v -> {
            if (closed || tail == null || tail.last() > 0) {
                return;
            }
            store.state(runId)
                    .subscribe()
                    .with(
                            state -> context.runOnContext(w -> {
                                if (!state.exists()) {
                                    close(
                                            UNKNOWN_RUN,
                                            "unknown run " + runId + ": nothing heard of it within "
                                                    + waited.toSeconds() + "s");
                                }
                            }),
                            failure -> Log.warnf("run %s: could not look the run up: %s", runId, failure.getMessage()));
        });
    }

    void closed() {
        context.runOnContext(v -> closed = true);
    }

    private void pump() {
        if (busy || closed || tail == null) {
            return;
        }
        RunTail.Slice slice = tail.slice(sent + 1, batch);
        if (!slice.frames().isEmpty()) {
            send(slice.frames());
        } else if (slice.fromStore()) {
            busy = true;
            store.range(runId, sent, batch)
                    .subscribe()
                    .with(
                            frames -> context.runOnContext(v -> {
                                busy = false;
                                if (!frames.isEmpty()) {
                                    send(frames);
                                }
                            }),
                            failure -> context.runOnContext(v -> {
                                Log.warnf(
                                        "run %s: reading frames after %d failed, retrying: %s",
                                        runId, sent, failure.getMessage());
                                context.owner().setTimer(500, t -> {
                                    busy = false;
                                    pump();
                                });
                            }));
        }
    }

    private void send(List<Frame> frames) {
        if (closed) {
            return;
        }
        busy = true;
        sendingSince = System.currentTimeMillis();
        Frame last = frames.get(frames.size() - 1);
        Uni<Void> lastWrite;
        if (raw) {
            StringBuilder text = new StringBuilder();
            frames.forEach(f -> text.append(f.raw()));
            lastWrite = text.length() == 0 ? Uni.createFrom().voidItem() : connection.sendText(text.toString());
        } else {
            for (int i = 0; i < frames.size() - 1; i++) {
                connection.sendText(frames.get(i).json()).subscribe().with(ok -> {}, failure -> {
                    // the last write of the batch fails too, and says so
                });
            }
            lastWrite = connection.sendText(last.json());
        }
        lastWrite
                .subscribe()
                .with(
                        ok -> context.runOnContext(v -> taken(last)),
                        failure -> context.runOnContext(v -> {
                            Log.debugf("run %s: viewer %s went away: %s", runId, connection.id(), failure.getMessage());
                            closed = true;
                        }));
    }

    private void taken(Frame last) {
        busy = false;
        sendingSince = 0;
        sent = last.cursor();
        if (last.isEnd()) {
            close(RUN_FINISHED, "run finished");
        } else {
            pump();
        }
    }

    private void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        connection
                .close(new CloseReason(code, reason))
                .subscribe()
                .with(
                        ok -> {},
                        failure -> Log.debugf(
                                "run %s: closing viewer %s: %s", runId, connection.id(), failure.getMessage()));
    }
}
