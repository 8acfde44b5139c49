package dev.forgeci.logs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for the trigger-service ({@code POST /api/triggers}) and the scheduler
 * ({@code POST /api/runs/{id}/cancel}) behind the gateway's viewer proxy: records each request
 * and answers as they do. Injected into test fields of its type.
 */
public class FakeNeighbours implements QuarkusTestResourceLifecycleManager {

    /** One request the viewer made through the gateway. */
    public record Received(String method, String path, String authorization, String body) {}

    /** A commit with two runs, as the scheduler lists them for {@code GET /api/runs?commit=}. */
    static final String COMMIT = "9c1e3e5d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";

    static final String COMMIT_RUN_LINT = RunIds.next();
    static final String COMMIT_RUN_CI = RunIds.next();
    private static final String COMMIT_RUNS = """
            {"runs":[{"runId":"%s","status":"failure","workflow":"Lint","repository":{"id":"rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5","name":"heartwood"},"commit":"%s"},
            {"runId":"%s","status":"success","workflow":"CI","repository":{"id":"rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5","name":"heartwood"},"commit":"%s"}],
            "page":0,"size":100,"total":2}""".formatted(COMMIT_RUN_LINT, COMMIT, COMMIT_RUN_CI, COMMIT);

    final List<Received> received = new CopyOnWriteArrayList<>();
    volatile String nextRunId = RunIds.next();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext(
                "/api/triggers",
                exchange -> answer(
                        exchange,
                        202,
                        "{\"runs\":[{\"runId\":\"" + nextRunId
                                + "\",\"workflow\":\"Build and Test\",\"watch\":\"/ws/runs/" + nextRunId + "\"}]}"));
        server.createContext("/api/runs", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            if (exchange.getRequestMethod().equals("GET") && query != null && query.startsWith("commit=" + COMMIT)) {
                answer(exchange, 200, COMMIT_RUNS);
            } else {
                answer(exchange, 202, "{\"status\":\"cancelling\"}");
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("forge.viewer.triggers-url", url, "forge.viewer.runs-url", url);
    }

    private void answer(HttpExchange exchange, int status, String json) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath()
                            + (exchange.getRequestURI().getRawQuery() == null
                                    ? ""
                                    : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body));
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(this, new TestInjector.MatchesType(FakeNeighbours.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
