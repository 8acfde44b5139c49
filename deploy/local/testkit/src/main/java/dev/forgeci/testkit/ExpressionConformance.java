package dev.forgeci.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The expression conformance list ({@code trigger-service/language/conformance/expressions.json}),
 * read once, as dynamic tests. Every place that evaluates expressions runs it through its own
 * evaluation path: it turns a case's contexts and status answers into what it evaluates against,
 * and evaluates the case's expression, template or condition the way it does at run time.
 */
public final class ExpressionConformance {

    /** One case: {@code kind} is expr, template or condition; {@code status} answers success(), failure(), cancelled(). */
    public record Case(
            String kind,
            String text,
            ObjectNode contexts,
            Map<String, Boolean> status,
            JsonNode result,
            String error,
            String normalized) {

        public String describe() {
            return kind + " " + text;
        }

        /** The status function's answer in this case; always() is true, the others false unless the case says. */
        public boolean status(String function) {
            return function.equals("always") || status.getOrDefault(function, false);
        }
    }

    /** How a place evaluates a case: the value it gets, or an exception with the message it reports. */
    @FunctionalInterface
    public interface Place {
        JsonNode evaluate(Case c) throws Exception;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExpressionConformance() {}

    public static List<Case> cases() {
        Path file = Path.of(
                System.getProperty("forge-test.conformance", "trigger-service/language/conformance/expressions.json"));
        try {
            JsonNode root = JSON.readTree(file.toFile());
            ObjectNode shared = (ObjectNode) root.get("contexts");
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                String kind = c.has("expr") ? "expr" : c.has("template") ? "template" : "condition";
                ObjectNode contexts = shared.deepCopy();
                if (c.has("contexts")) {
                    contexts.setAll((ObjectNode) c.get("contexts"));
                }
                Map<String, Boolean> status = new LinkedHashMap<>();
                c.path("status")
                        .fields()
                        .forEachRemaining(
                                e -> status.put(e.getKey(), e.getValue().asBoolean()));
                cases.add(new Case(
                        kind,
                        c.get(kind).asText(),
                        contexts,
                        status,
                        c.get("result"),
                        c.has("error") ? c.get("error").asText() : null,
                        c.has("normalized") ? c.get("normalized").asText() : null));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the conformance list " + file.toAbsolutePath(), e);
        }
    }

    /** One dynamic test per case, run through the place's evaluation. */
    public static Stream<DynamicTest> run(Place place) {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.describe(), () -> check(c, place)));
    }

    private static void check(Case c, Place place) throws Exception {
        if (c.error() != null) {
            assertThatThrownBy(() -> place.evaluate(c)).as(c.describe()).hasMessageContaining(c.error());
            return;
        }
        JsonNode actual;
        try {
            actual = place.evaluate(c);
        } catch (Exception e) {
            fail(c.describe() + " failed: " + e.getMessage(), e);
            return;
        }
        if (!sameValue(actual, c.result())) {
            fail(c.describe() + ": expected " + c.result() + " but got " + actual);
        }
    }

    /** Numbers compare by value (1 equals 1.0); anything else as JSON. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) ->
            a.isNumber() && b.isNumber() ? (a.doubleValue() == b.doubleValue() ? 0 : 1) : (a.equals(b) ? 0 : 1);

    /** JSON equality where numbers compare as numbers (1 equals 1.0) and null equals a missing value. */
    public static boolean sameValue(JsonNode a, JsonNode b) {
        boolean aNull = a == null || a.isNull() || a.isMissingNode();
        boolean bNull = b == null || b.isNull() || b.isMissingNode();
        if (aNull || bNull) {
            return aNull && bNull;
        }
        return a.equals(NUMBERS_BY_VALUE, b);
    }
}
