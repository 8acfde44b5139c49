package dev.forgeci.acceptance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Watches a run as the IDE does: a WebSocket on /ws/runs/{runId} in JSON mode that, whenever it is
 * dropped (a gateway restart, a deliberate disconnect), reconnects with the cursor of the last
 * frame it received, until the run's end frame.
 */
final class LogViewer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String runId;
    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile WebSocket socket;
    private volatile CompletableFuture<Void> connection = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile int connections;

    private LogViewer(String runId) {
        this.runId = runId;
    }

    /** Connects from the start of the run and keeps following it until its end (or close()). */
    static LogViewer follow(String runId) {
        LogViewer viewer = new LogViewer(runId);
        Thread thread = new Thread(viewer::loop, "log-viewer-" + runId);
        thread.setDaemon(true);
        thread.start();
        return viewer;
    }

    List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    List<JsonNode> framesOfType(String type) {
        return frames.stream().filter(f -> type.equals(f.path("type").asText())).toList();
    }

    /** The text of every line frame, in order. */
    List<String> lineTexts() {
        return framesOfType("line").stream().map(f -> f.path("text").asText()).toList();
    }

    int connections() {
        return connections;
    }

    /** Waits for the end frame; returns the run's final status as the end frame states it. */
    String awaitEnd(Duration timeout) {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(
                    "no end frame for run " + runId + " within " + timeout + "; last frames: "
                            + frames.subList(Math.max(0, frames.size() - 5), frames.size()),
                    e);
        }
        return framesOfType("end").get(0).path("status").asText();
    }

    /** Drops the connection, as a flaky network would; the viewer reconnects with its cursor. */
    void drop() {
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
        // abort() calls no listener method, so the loop is told here that this connection is over
        connection.complete(null);
    }

    @Override
    public void close() {
        closed = true;
        drop();
    }

    private void loop() {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(10));
        while (!closed && !ended.isDone() && Instant.now().isBefore(giveUp)) {
            CompletableFuture<Void> gone = new CompletableFuture<>();
            long cursor;
            synchronized (frames) {
                // from here on a frame still in flight on the dropped socket is ignored (see onText)
                connection = gone;
                cursor = frames.isEmpty()
                        ? 0
                        : frames.get(frames.size() - 1).path("cursor").asLong();
            }
            URI uri = URI.create(ForgeStack.get().logs.baseUrl().replace("http://", "ws://") + "/ws/runs/" + runId
                    + "?access_token=" + ForgeStack.TOKEN + "&cursor=" + cursor);
            try {
                socket = HTTP.newWebSocketBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(uri, new Listener(gone))
                        .get(10, TimeUnit.SECONDS);
                connections++;
                gone.get(10, TimeUnit.MINUTES);
            } catch (Exception dropped) {
                // the gateway is down or restarting: try again with the same cursor
            }
            if (!ended.isDone()) {
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<Void> gone;
        private final StringBuilder partial = new StringBuilder();

        Listener(CompletableFuture<Void> gone) {
            this.gone = gone;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(partial.toString());
                    synchronized (frames) {
                        if (connection != gone) {
                            return null;
                        }
                        frames.add(frame);
                    }
                    if ("end".equals(frame.path("type").asText())) {
                        ended.complete(null);
                    }
                } catch (JsonProcessingException e) {
                    gone.completeExceptionally(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            gone.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            gone.complete(null);
        }
    }
}
