package dev.forgeci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Radicle commit-status endpoint: checks {@code X-Garden-Signature-256} against the body with the
 * secret it was given (401 when wrong, like a real receiver) and records what it accepted, per run.
 * A path may be told to fail its first requests, to exercise retries.
 */
public final class StatusReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received: its state, whether the signature was valid, and the parsed body. */
    public record Received(String path, boolean signatureValid, JsonNode body, String signature) {
        public String state() {
            return body.path("state").asText();
        }

        public String runId() {
            String target = body.path("target_url").asText();
            return target.substring(target.lastIndexOf('/') + 1);
        }
    }

    private final HttpServer server;
    private final String secret;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

    private StatusReceiver(HttpServer server, String secret) {
        this.server = server;
        this.secret = secret;
    }

    public static StatusReceiver start(String secret) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            StatusReceiver receiver = new StatusReceiver(server, secret);
            server.createContext("/", receiver::handle);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code count} requests to {@code path} are answered 503 (and recorded as not accepted). */
    public void failNext(String path, int count) {
        failuresLeft.put(path, new AtomicInteger(count));
    }

    /** Accepted (valid, 2xx-answered) statuses for one run, in arrival order. */
    public List<Received> acceptedFor(String runId) {
        return received.stream()
                .filter(r -> r.signatureValid() && runId.equals(r.runId()))
                .toList();
    }

    public List<Received> all() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            AtomicInteger failures = failuresLeft.get(path);
            if (failures != null && failures.getAndDecrement() > 0) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            String signature = exchange.getRequestHeaders().getFirst("X-Garden-Signature-256");
            boolean valid = signature != null
                    && MessageDigest.isEqual(
                            signature.getBytes(StandardCharsets.US_ASCII),
                            ("sha256=" + hmac(body)).getBytes(StandardCharsets.US_ASCII));
            received.add(new Received(path, valid, JSON.readTree(body), signature));
            exchange.sendResponseHeaders(valid ? 201 : 401, -1);
        }
    }

    private String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
