package dev.forgeci.language.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.language.expr.Scope;

class CallInputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DECLARED =
            json("{'name': {'type': 'string', 'default': 'world'}, 'loud': {'type': 'boolean'},"
                    + " 'times': {'type': 'number', 'default': 2}, 'tag': {'type': 'string'}}");
    private static final Scope CALLER =
            Scope.of(Map.of("needs", json("{'setup': {'outputs': {'word': 'moon', 'flag': 'true', 'list': '[1]'}}}")));

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void valuesTheCallerLeavesOutAreTheirDefaultsOrWhatGitHubGivesAnUnsetInput() {
        assertThat(CallInputs.evaluate(DECLARED, json("{}"), CALLER))
                .hasToString("{\"name\":\"world\",\"loud\":false,\"times\":2.0,\"tag\":\"\"}");
    }

    @Test
    void expressionsAreEvaluatedInTheCallersScopeAndConvertedToTheDeclaredType() {
        JsonNode inputs = CallInputs.evaluate(
                DECLARED,
                json("{'name': 'to ${{ needs.setup.outputs.word }}',"
                        + " 'loud': '${{ needs.setup.outputs.flag }}', 'times': '3', 'tag': 7}"),
                CALLER);
        assertThat(inputs.get("name").textValue()).isEqualTo("to moon");
        assertThat(inputs.get("loud").isBoolean()).isTrue();
        assertThat(inputs.get("loud").booleanValue()).isTrue();
        assertThat(inputs.get("times").doubleValue()).isEqualTo(3.0);
        assertThat(inputs.get("tag").textValue()).isEqualTo("7");
    }

    @Test
    void aValueThatIsNotOfTheDeclaredTypeIsRefusedNamingTheInput() {
        assertThatThrownBy(() -> CallInputs.evaluate(DECLARED, json("{'loud': 'very'}"), CALLER))
                .isInstanceOf(JobInstances.InstantiationException.class)
                .hasMessage("input `loud` must be true or false, not `very`");
        assertThatThrownBy(() -> CallInputs.evaluate(DECLARED, json("{'times': 'many'}"), CALLER))
                .hasMessage("input `times` must be a number, not `many`");
        assertThatThrownBy(() -> CallInputs.evaluate(
                        DECLARED, json("{'name': '${{ fromJSON(needs.setup.outputs.list) }}'}"), CALLER))
                .hasMessage("input `name` must be a string, not a list or an object");
    }
}
