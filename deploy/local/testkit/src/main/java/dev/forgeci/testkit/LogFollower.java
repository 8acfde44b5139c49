package dev.forgeci.testkit;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * A viewer of one run on the log-gateway's WebSocket, as the IDE is: every test that reads a log
 * reads it through this. It keeps each text message with the time it arrived and how the socket
 * closed. {@link #follow} also reconnects, whenever the socket is dropped (a gateway restart, a
 * flaky network), with the cursor of the last frame it has, until the run's end frame.
 */
public final class LogFollower implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Vertx VERTX = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private static final WebSocketClient CLIENT = VERTX.createWebSocketClient(new WebSocketClientOptions()
            .setMaxMessageSize(64 * 1024 * 1024)
            .setMaxFrameSize(1024 * 1024)
            .setConnectTimeout(30_000)
            .setMaxConnections(5000));
    /** A tiny receive buffer, so that a socket nobody reads soon pushes back on the gateway. */
    private static final WebSocketClient STALLING_CLIENT = VERTX.createWebSocketClient(
            new WebSocketClientOptions().setReceiveBufferSize(2048).setMaxMessageSize(1024 * 1024));

    private final List<String> messages = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();
    private final Consumer<String> tap;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile WebSocket socket;
    private volatile Integer closeCode;
    private volatile String closeReason;
    private volatile boolean closed;
    private volatile int connections;

    private LogFollower(Consumer<String> tap) {
        this.tap = tap;
    }

    /** One socket to {@code uri} (e.g. {@code ws://host:port/ws/runs/ID?access_token=t}), not reconnected. */
    public static LogFollower connect(URI uri) {
        return await(connectAsync(uri), uri);
    }

    /** The same, without waiting for the socket to open: for many viewers at once. */
    public static CompletableFuture<LogFollower> connectAsync(URI uri) {
        LogFollower follower = new LogFollower(null);
        return follower.open(CLIENT, uri, false).thenApply(socket -> follower);
    }

    /** One socket that reads nothing until {@link #resume()}: a viewer that stopped reading. */
    public static LogFollower stalled(URI uri) {
        LogFollower follower = new LogFollower(null);
        return await(follower.open(STALLING_CLIENT, uri, true).thenApply(socket -> follower), uri);
    }

    /**
     * One socket whose messages go to {@code tap} as they arrive (on the event loop) and are not kept:
     * for a million lines, where keeping them would measure the heap.
     */
    public static LogFollower tap(URI uri, Consumer<String> tap) {
        LogFollower follower = new LogFollower(tap);
        return await(follower.open(CLIENT, uri, false).thenApply(socket -> follower), uri);
    }

    /** Follows the run in JSON mode from its start until its end frame (or close()), reconnecting with its cursor. */
    public static LogFollower follow(String gatewayBaseUrl, String runId, String token) {
        LogFollower follower = new LogFollower(null);
        Thread thread = new Thread(
                () -> follower.reconnecting(gatewayBaseUrl.replaceFirst("^http", "ws"), runId, token),
                "log-follower-" + runId);
        thread.setDaemon(true);
        thread.start();
        return follower;
    }

    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    public int messageCount() {
        synchronized (messages) {
            return messages.size();
        }
    }

    /** When each message arrived, as {@link System#nanoTime()}. */
    public List<Long> arrivals() {
        synchronized (messages) {
            return List.copyOf(arrivals);
        }
    }

    public long lastArrival() {
        synchronized (messages) {
            return arrivals.get(arrivals.size() - 1);
        }
    }

    public List<JsonNode> frames() {
        return messages().stream().map(LogFollower::parse).toList();
    }

    public List<JsonNode> framesOfType(String type) {
        return frames().stream()
                .filter(frame -> type.equals(frame.path("type").asText()))
                .toList();
    }

    /** The text of every line frame, in order. */
    public List<String> lineTexts() {
        return framesOfType("line").stream().map(f -> f.path("text").asText()).toList();
    }

    public boolean endReceived() {
        return ended.isDone();
    }

    /** Waits for the end frame; returns the run's final status as the end frame states it. */
    public String awaitEnd(Duration timeout) {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            List<String> all = messages();
            throw new AssertionError(
                    "no end frame within " + timeout + "; last messages: "
                            + all.subList(Math.max(0, all.size() - 5), all.size()),
                    e);
        }
        return framesOfType("end").get(0).path("status").asText();
    }

    public void awaitClosed(Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> closeCode != null);
    }

    /** The close code the gateway sent, -1 for a socket that closed without one, null while open. */
    public Integer closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    /** How many times the socket opened (more than once after drops). */
    public int connections() {
        return connections;
    }

    /** Sends a text message, as a misbehaving client would (the gateway's socket only sends). */
    public void send(String text) {
        socket.writeTextMessage(text);
    }

    /** A stalled socket starts reading. */
    public void resume() {
        socket.resume();
    }

    /** Drops the connection, as a flaky network would; a follower reconnects with its cursor. */
    public void drop() {
        WebSocket current = socket;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (closeCode == null) {
            drop();
        }
    }

    public static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("not a JSON frame: " + text, e);
        }
    }

    private CompletableFuture<WebSocket> open(WebSocketClient client, URI uri, boolean paused) {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(uri.getHost())
                .setPort(uri.getPort())
                .setURI(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        // Handlers are set on the event loop as the socket opens, before any frame can arrive.
        return client.connect(options)
                .map(opened -> {
                    if (paused) {
                        opened.pause();
                    }
                    attach(opened);
                    return opened;
                })
                .toCompletionStage()
                .toCompletableFuture();
    }

    private void attach(WebSocket opened) {
        socket = opened;
        connections++;
        try {
            opened.textMessageHandler(text -> {
                if (socket != opened) {
                    return; // a frame still in flight on a dropped socket: the reconnection has it again
                }
                if (tap != null) {
                    tap.accept(text);
                } else {
                    synchronized (messages) {
                        messages.add(text);
                        arrivals.add(System.nanoTime());
                    }
                }
                if (text.contains("\"type\":\"end\"")) {
                    ended.complete(null);
                }
            });
            opened.closeHandler(ignored -> closed(opened));
        } catch (IllegalStateException closedAlready) {
            // The gateway refused at once (a bad cursor or mode) and the socket closed before this
            // ran: its close code and reason are what the caller waits for.
            closed(opened);
        }
    }

    private void closed(WebSocket opened) {
        if (socket == opened) {
            closeReason = opened.closeReason();
            closeCode = opened.closeStatusCode() == null ? -1 : (int) opened.closeStatusCode();
        }
    }

    private void reconnecting(String wsBase, String runId, String token) {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(10));
        while (!closed && !ended.isDone() && Instant.now().isBefore(giveUp)) {
            List<String> all = messages();
            long cursor = all.isEmpty()
                    ? 0
                    : parse(all.get(all.size() - 1)).path("cursor").asLong();
            URI uri = URI.create(wsBase + "/ws/runs/" + runId + "?access_token=" + token + "&cursor=" + cursor);
            try {
                closeCode = null;
                WebSocket opened = open(CLIENT, uri, false).get(10, TimeUnit.SECONDS);
                Awaitility.await()
                        .atMost(Duration.ofMinutes(10))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> closed || ended.isDone() || opened.isClosed());
            } catch (Exception dropped) {
                // the gateway is down or restarting: try again with the same cursor
            }
            if (!ended.isDone() && !closed) {
                // a pause before the next attempt, so a gateway that is down is not hammered
                CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                        .join();
            }
        }
    }

    private static LogFollower await(CompletableFuture<LogFollower> opening, URI uri) {
        try {
            return opening.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not connect to " + uri, e);
        }
    }
}
