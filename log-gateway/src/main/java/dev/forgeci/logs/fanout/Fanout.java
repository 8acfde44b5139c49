package dev.forgeci.logs.fanout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.logs.config.LogsConfig;
import dev.forgeci.logs.infra.LogStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Many viewers of a run share one read of its stream: a single Redis connection blocks in
 * {@code XREAD} on the streams of every watched run and hands what arrives to each run's tail.
 * When a run is watched for the first time the read is woken ({@code CLIENT UNBLOCK}) to include it.
 */
@ApplicationScoped
public class Fanout {

    private static final int READ_COUNT = 2000;
    private static final int BLOCK_MILLIS = 1000;

    private final Map<String, RunTail> tails = new ConcurrentHashMap<>();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final Redis redis;
    private final LogStore store;
    private final LogsConfig config;
    private final Vertx vertx;
    private final long sweeper;
    private final Counter closedTooSlow;
    private volatile RedisConnection connection;
    private volatile long connectionId;
    private volatile boolean stopped;

    public Fanout(Redis redis, LogStore store, LogsConfig config, Vertx vertx, MeterRegistry metrics) {
        this.redis = redis;
        this.store = store;
        this.config = config;
        this.vertx = vertx;
        this.closedTooSlow = metrics.counter("forge.logs.viewers.closed.slow");
        metrics.gauge("forge.logs.watched.runs", tails, Map::size);
        metrics.gauge(
                "forge.logs.viewers",
                tails,
                t -> t.values().stream().mapToInt(tail -> tail.viewers().size()).sum());
        this.sweeper = vertx.setPeriodic(1000, id -> closeStalledViewers());
    }

    /** Starts a viewer at {@code cursor} (it receives the frames after it); the caller checked the run. */
    public Viewer watch(WebSocketConnection connection, Context context, String runId, boolean raw, long cursor) {
        Viewer viewer = new Viewer(
                connection, context, store, runId, raw, cursor, config.ws().batch());
        RunTail tail = tails.compute(runId, (id, existing) -> {
            RunTail t = existing == null ? new RunTail(id, config.ws().ringFrames()) : existing;
            t.add(viewer);
            return t;
        });
        if (tail.claimStart()) {
            start(tail);
        }
        viewer.attach(tail);
        return viewer;
    }

    public void leave(Viewer viewer) {
        viewer.closed();
        tails.computeIfPresent(viewer.runId(), (id, tail) -> {
            tail.remove(viewer);
            return tail.unwatched() ? null : tail;
        });
    }

    /** Closes the viewer on the deadline unless its run turned up meanwhile. */
    public void closeIfStillUnknown(Viewer viewer, Duration wait) {
        vertx.setTimer(Math.max(1, wait.toMillis()), id -> viewer.closeIfStillUnknown(wait));
    }

    private void start(RunTail tail) {
        store.state(tail.runId)
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .indefinitely()
                .subscribe()
                .with(state -> {
                    tail.start(state.frames());
                    tail.viewers().forEach(Viewer::wake);
                    readOrWake();
                });
    }

    private void readOrWake() {
        if (reading.compareAndSet(false, true)) {
            vertx.runOnContext(v -> read());
        } else if (connectionId != 0) {
            redis.send(Request.cmd(Command.CLIENT).arg("UNBLOCK").arg(connectionId))
                    .subscribe()
                    .with(ok -> {}, failure -> Log.debugf("waking the shared read failed: %s", failure.getMessage()));
        }
    }

    private void read() {
        List<RunTail> watched = tails.values().stream().filter(RunTail::ready).toList();
        if (stopped || watched.isEmpty()) {
            reading.set(false);
            if (!stopped && tails.values().stream().anyMatch(RunTail::ready)) {
                readOrWake();
            }
            return;
        }
        Request xread = Request.cmd(Command.XREAD)
                .arg("COUNT")
                .arg(READ_COUNT)
                .arg("BLOCK")
                .arg(BLOCK_MILLIS)
                .arg("STREAMS");
        watched.forEach(t -> xread.arg(LogStore.streamKey(t.runId)));
        watched.forEach(t -> xread.arg("0-" + t.last()));
        connection()
                .chain(c -> c.send(xread))
                .subscribe()
                .with(
                        response -> {
                            deliver(response);
                            read();
                        },
                        failure -> {
                            if (stopped) {
                                return;
                            }
                            Log.warnf(
                                    "the shared read of %d watched runs failed, reconnecting: %s",
                                    watched.size(), failure.getMessage());
                            dropConnection();
                            vertx.setTimer(500, id -> read());
                        });
    }

    private void deliver(Response response) {
        if (response == null) {
            return; // timed out or woken: nothing new
        }
        if (response.isMap()) {
            for (String key : response.getKeys()) {
                deliver(key, response.get(key));
            }
        } else {
            for (Response stream : response) {
                deliver(stream.get(0).toString(), stream.get(1));
            }
        }
    }

    private void deliver(String key, Response entries) {
        RunTail tail = tails.get(key.substring(LogStore.streamKey("").length()));
        if (tail != null && entries != null) {
            tail.append(LogStore.frames(entries));
        }
    }

    private Uni<RedisConnection> connection() {
        RedisConnection current = connection;
        if (current != null) {
            return Uni.createFrom().item(current);
        }
        return redis.connect()
                .chain(c -> c.send(Request.cmd(Command.CLIENT).arg("ID")).map(id -> {
                    connectionId = id.toLong();
                    connection = c;
                    c.exceptionHandler(e -> dropConnection());
                    return c;
                }));
    }

    private void dropConnection() {
        RedisConnection current = connection;
        connection = null;
        connectionId = 0;
        if (current != null) {
            current.close().subscribe().with(ok -> {}, failure -> {});
        }
    }

    private void closeStalledViewers() {
        Duration timeout = config.ws().stallTimeout();
        long now = System.currentTimeMillis();
        for (RunTail tail : tails.values()) {
            for (Viewer viewer : tail.viewers()) {
                if (viewer.stalledMillis(now) > timeout.toMillis() && viewer.closeTooSlow(timeout)) {
                    closedTooSlow.increment();
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        vertx.cancelTimer(sweeper);
        dropConnection();
    }
}
