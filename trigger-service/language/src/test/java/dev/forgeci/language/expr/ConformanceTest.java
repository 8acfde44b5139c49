package dev.forgeci.language.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.testkit.ExpressionConformance;

/** The library itself against the conformance list: the reference every service's own evaluation is held to. */
class ConformanceTest {

    @TestFactory
    Stream<DynamicTest> everyCaseOfTheConformanceListHolds() {
        return ExpressionConformance.run(ConformanceTest::evaluate);
    }

    @org.junit.jupiter.api.Test
    void theListHasAtLeastTheCasesTheIssueAsksFor() {
        assertThat(ExpressionConformance.cases()).hasSizeGreaterThanOrEqualTo(150);
    }

    static JsonNode evaluate(ExpressionConformance.Case c) {
        Scope scope = Scope.of(toMap(c)).withStatus(c::status);
        return switch (c.kind()) {
            case "expr" -> Evaluator.evaluate(c.text(), scope);
            case "template" -> Template.parse(c.text()).evaluate(scope);
            default -> {
                String normalized = Condition.normalize(c.text());
                assertThat(normalized).as("normalized condition").isEqualTo(c.normalized());
                yield Evaluator.evaluate(normalized, scope);
            }
        };
    }

    private static java.util.Map<String, JsonNode> toMap(ExpressionConformance.Case c) {
        java.util.Map<String, JsonNode> map = new java.util.HashMap<>();
        c.contexts().fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }
}
