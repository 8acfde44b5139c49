package dev.forgeci.acceptance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Plays the Radicle side of commit statuses: receives the POSTs sent to a webhook's
 * commit_status_url and checks each X-Garden-Signature-256 against the shared secret.
 */
final class StatusReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One POST as received: its body, and whether its signature was right. */
    record Status(JsonNode body, boolean signatureValid) {
        String state() {
            return body.path("state").asText();
        }

        String sha() {
            return body.path("sha").asText();
        }
    }

    private final HttpServer server;
    private final byte[] secret;
    private final List<Status> received = new CopyOnWriteArrayList<>();

    private StatusReceiver(HttpServer server, String secret) {
        this.server = server;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    static StatusReceiver start(String secret) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        StatusReceiver receiver = new StatusReceiver(server, secret);
        server.createContext("/api/commit-status", receiver::handle);
        server.start();
        return receiver;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String statusUrl() {
        return url() + "/api/commit-status";
    }

    List<Status> forCommit(String sha) {
        return received.stream().filter(s -> s.sha().equals(sha)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst("X-Garden-Signature-256");
            boolean valid = signature != null && MessageDigest.isEqual(
                    signature.getBytes(StandardCharsets.US_ASCII), ("sha256=" + hmac(body)).getBytes(StandardCharsets.US_ASCII));
            received.add(new Status(JSON.readTree(body), valid));
            exchange.sendResponseHeaders(valid ? 201 : 401, -1);
        }
    }

    private String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
