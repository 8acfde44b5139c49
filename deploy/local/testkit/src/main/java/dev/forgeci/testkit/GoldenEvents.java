package dev.forgeci.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The wire contract between services, kept once: one JSON sample per topic (and event type) under
 * {@code golden/}. Its producer's test asserts that its record serialises to the sample; each
 * consumer's test reads the sample into its own record. A field renamed or retyped on one side
 * breaks the other side's test, not production.
 */
public final class GoldenEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenEvents() {}

    /** The sample's text, as a consumer would receive it. */
    public static String text(String sample) {
        try (InputStream in = GoldenEvents.class.getResourceAsStream("/golden/" + sample + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no golden sample golden/" + sample + ".json");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample as a tree, to compare a producer's serialised record with. */
    public static JsonNode tree(String sample) {
        try {
            return JSON.readTree(text(sample));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
