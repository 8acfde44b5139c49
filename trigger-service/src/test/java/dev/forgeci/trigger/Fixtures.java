package dev.forgeci.trigger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.trigger.radicle.WebhookSecrets;

/**
 * The Radicle payload samples (a byte-exact copy of the shared fixtures in src/test/resources/radicle),
 * and what tests derive from them: the same payload aimed at a local repository, re-signed.
 */
public final class Fixtures {

    /** The seed's workflow file, verbatim from DESIGN: what most tests run. */
    public static final String SEED_WORKFLOW = """
            name: Build and Test
            steps:
              - name: Install Dependencies
                run: npm install
              - name: Run Tests
                run: npm test
              - name: Build Docker Image
                run: docker build -t my-app .  # works because of DinD
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/radicle/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A .headers fixture as a map (header name → value), in file order. */
    public static Map<String, String> headers(String name) {
        Map<String, String> headers = new LinkedHashMap<>();
        text(name)
                .lines()
                .filter(l -> l.contains(":"))
                .forEach(l -> headers.put(
                        l.substring(0, l.indexOf(':')).strip(),
                        l.substring(l.indexOf(':') + 1).strip()));
        return headers;
    }

    public static ObjectNode json(String name) {
        try {
            return (ObjectNode) JSON.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] serialize(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(byte[] body) {
        return WebhookSecrets.sign(TestEnvironment.SECRET, body);
    }
}
