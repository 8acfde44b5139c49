package dev.forgeci.logs;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/** A WebSocket viewer of one run, as the IDE would be: keeps every text message and how the socket closed. */
final class LogClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
    private final WebSocket socket;
    private volatile Integer closeCode;
    private volatile String closeReason;

    LogClient(WebSocket socket) {
        this.socket = socket;
        socket.textMessageHandler(text -> {
            messages.add(text);
            arrivals.add(System.nanoTime());
        });
        socket.closeHandler(v -> {
            closeReason = socket.closeReason();
            closeCode = socket.closeStatusCode() == null ? -1 : (int) socket.closeStatusCode();
        });
    }

    static WebSocketClient client(Vertx vertx) {
        return vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxMessageSize(64 * 1024 * 1024)
                .setMaxFrameSize(1024 * 1024)
                .setConnectTimeout(30_000)
                .setMaxConnections(5000));
    }

    /** Connects to {@code base}'s {@code path} (with its query), e.g. {@code /ws/runs/ID?access_token=t}. */
    static LogClient connect(WebSocketClient client, URI base, String path) {
        try {
            WebSocketConnectOptions options = new WebSocketConnectOptions()
                    .setHost(base.getHost())
                    .setPort(base.getPort())
                    .setURI(path);
            // Handlers are set on the event loop as the socket opens, before any frame can arrive.
            return client.connect(options)
                    .map(LogClient::new)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not connect to " + path, e);
        }
    }

    WebSocket socket() {
        return socket;
    }

    List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    List<JsonNode> frames() {
        return messages().stream().map(LogClient::parse).toList();
    }

    /** The text of every line frame received, in order. */
    List<String> lineTexts() {
        return frames().stream()
                .filter(f -> "line".equals(f.path("type").asText()))
                .map(f -> f.get("text").asText())
                .toList();
    }

    boolean endReceived() {
        synchronized (messages) {
            return !messages.isEmpty() && messages.get(messages.size() - 1).contains("\"type\":\"end\"");
        }
    }

    long lastArrival() {
        synchronized (arrivals) {
            return arrivals.get(arrivals.size() - 1);
        }
    }

    Integer closeCode() {
        return closeCode;
    }

    String closeReason() {
        return closeReason;
    }

    void awaitClosed(Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> closeCode != null);
    }

    void awaitEnd(Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(this::endReceived);
    }

    @Override
    public void close() {
        if (closeCode == null) {
            socket.close();
        }
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("not a JSON frame: " + text, e);
        }
    }
}
