package dev.forgeci.language.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** What the conformance list cannot say: positions, references, and what an evaluation may cost. */
class ExpressionsTest {

    @Test
    void anErrorInsideATemplatePointsAtItsPlaceInTheText() {
        assertThatThrownBy(() -> Template.parse("echo ${{ matrix.os }} and ${{ 1 = 2 }}"))
                .isInstanceOfSatisfying(
                        ExpressionException.class, e -> assertThat(e.offset()).isEqualTo(32));
        assertThatThrownBy(() -> Template.parse("echo ${{ matrix.os"))
                .isInstanceOfSatisfying(
                        ExpressionException.class, e -> assertThat(e.offset()).isEqualTo(5));
    }

    @Test
    void aShortenedTemplateNeverCutsAnExpressionInTwo() {
        assertThat(Template.prefix("echo ${{ inputs.level }} and more", 12)).isEqualTo("echo ");
        assertThat(Template.prefix("echo ${{ inputs.level }} and more", 27)).isEqualTo("echo ${{ inputs.level }} an");
        assertThat(Template.prefix("echo ${{ '}}' }} x", 9)).isEqualTo("echo ");
        assertThat(Template.prefix("echo ${{ never closed", 80)).isEqualTo("echo ");
        assertThat(Template.prefix("short", 80)).isEqualTo("short");
    }

    @Test
    void referencesNameEachContextWithTheLiteralPropertiesReadFromIt() {
        References references = References.of(
                Parser.parse(
                        "steps.build.outputs['version'] == needs.setup.result && contains(github.event.labels.*.name, matrix[env.KEY]) || success()"));
        assertThat(references.contexts())
                .extracting(
                        References.ContextPath::context, References.ContextPath::path, References.ContextPath::computed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("steps", List.of("build", "outputs", "version"), false),
                        org.assertj.core.groups.Tuple.tuple("needs", List.of("setup", "result"), false),
                        org.assertj.core.groups.Tuple.tuple("github", List.of("event", "labels", "*", "name"), false),
                        org.assertj.core.groups.Tuple.tuple("env", List.of("KEY"), false),
                        org.assertj.core.groups.Tuple.tuple("matrix", List.of(), true));
        assertThat(references.calls()).extracting(References.Call::name).containsExactly("contains", "success");
    }

    @Test
    void aSmallExpressionCannotBuildAHugeValue() {
        String big = "x".repeat(100_000);
        Scope scope = Scope.of(Map.of(
                "env",
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode()
                        .put("BIG", big)));
        String twentyTimes = "format('" + "{0}".repeat(20) + "', env.BIG)";
        assertThatThrownBy(() -> Evaluator.evaluate(twentyTimes, scope))
                .hasMessageContaining("produced more than 1024 KiB");
        assertThatThrownBy(() -> Evaluator.evaluate(
                        "join(fromJSON(format('[{0}]', '" + "1,".repeat(2000) + "1')), env.BIG)", scope))
                .hasMessageContaining("produced more than");
        assertThat(Evaluator.evaluate("format('{0}{0}', env.BIG)", scope).textValue())
                .hasSize(200_000);
    }

    @Test
    void expressionsLongerThanGitHubAllowsAreRefused() {
        assertThatThrownBy(() -> Parser.parse("'" + "a".repeat(21_000) + "'")).hasMessageContaining("at most 21000");
    }

    @Test
    void forgesFirstConditionWordsReadAsTheFunctionsTheyName() {
        assertThat(Condition.fromWord("always")).isEqualTo("always()");
        assertThat(Condition.fromWord(null)).isEqualTo("success()");
        assertThat(Condition.fromWord("success() && true")).isEqualTo("success() && true");
    }

    @Test
    void aConditionRunsAfterACancelOnlyWhenItAsksForIt() {
        assertThat(Condition.runsAfterCancel("always() && github.ref == 'x'")).isTrue();
        assertThat(Condition.runsAfterCancel("!cancelled()")).isTrue();
        assertThat(Condition.runsAfterCancel("failure()")).isFalse();
        assertThat(Condition.runsAfterCancel("success() && (matrix.os == 'x')")).isFalse();
    }

    @Test
    void textWithoutExpressionsIsNotParsed() {
        JsonNode value = Template.value("a {{ b }} '${ c }", Scope.of(Map.of()));
        assertThat(value).isEqualTo(TextNode.valueOf("a {{ b }} '${ c }"));
    }

    @Test
    void aScopeWithReplacedContextsKeepsTheOthersAndItsFunctions() {
        Scope base = new Scope() {
            @Override
            public JsonNode context(String name) {
                return TextNode.valueOf("base " + name);
            }

            @Override
            public boolean status(String function) {
                return function.equals("failure");
            }
        };

        Scope scope = base.withContexts(Map.of("inputs", TextNode.valueOf("replaced")));

        assertThat(Template.render("${{ inputs }} / ${{ github }} / ${{ failure() }}", scope))
                .isEqualTo("replaced / base github / true");
    }
}
