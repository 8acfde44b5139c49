package dev.forgeci.language.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class MatrixTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> expand(String matrix) {
        return Matrix.expand(json(matrix)).stream().map(ObjectNode::toString).toList();
    }

    @Test
    void combinationsFollowTheOrderTheKeysAreWrittenIn() {
        assertThat(expand("{'version': [10, 12, 14], 'os': ['ubuntu', 'windows']}"))
                .containsExactly(
                        "{\"version\":10,\"os\":\"ubuntu\"}", "{\"version\":10,\"os\":\"windows\"}",
                        "{\"version\":12,\"os\":\"ubuntu\"}", "{\"version\":12,\"os\":\"windows\"}",
                        "{\"version\":14,\"os\":\"ubuntu\"}", "{\"version\":14,\"os\":\"windows\"}");
    }

    @Test
    void includeExtendsOriginalCombinationsItDoesNotContradictAndAddsTheRestAsDocumentedByGitHub() {
        // GitHub's own example (docs: "Expanding or adding matrix configurations").
        assertThat(expand("""
                {'fruit': ['apple', 'pear'], 'animal': ['cat', 'dog'],
                 'include': [{'color': 'green'}, {'color': 'pink', 'animal': 'cat'}, {'fruit': 'apple', 'shape': 'circle'},
                             {'fruit': 'banana'}, {'fruit': 'banana', 'animal': 'cat'}]}"""))
                .containsExactly(
                        "{\"fruit\":\"apple\",\"animal\":\"cat\",\"color\":\"pink\",\"shape\":\"circle\"}",
                        "{\"fruit\":\"apple\",\"animal\":\"dog\",\"color\":\"green\",\"shape\":\"circle\"}",
                        "{\"fruit\":\"pear\",\"animal\":\"cat\",\"color\":\"pink\"}",
                        "{\"fruit\":\"pear\",\"animal\":\"dog\",\"color\":\"green\"}",
                        "{\"fruit\":\"banana\"}",
                        "{\"fruit\":\"banana\",\"animal\":\"cat\"}");
    }

    @Test
    void excludeRemovesEveryCombinationItPartlyMatchesBeforeIncludeIsApplied() {
        // GitHub's example (docs: "Excluding matrix configurations").
        assertThat(expand("""
                {'os': ['macos', 'windows'], 'version': [12, 14, 16], 'environment': ['staging', 'production'],
                 'exclude': [{'os': 'macos', 'version': 12, 'environment': 'production'}, {'os': 'windows', 'version': 16}],
                 'include': [{'os': 'windows', 'version': 16, 'environment': 'staging'}]}"""))
                .hasSize(10)
                .doesNotContain("{\"os\":\"macos\",\"version\":12,\"environment\":\"production\"}")
                .endsWith("{\"os\":\"windows\",\"version\":16,\"environment\":\"staging\"}");
    }

    @Test
    void aMatrixOfIncludesOnlyRunsEachIncludeAsItsOwnJob() {
        assertThat(expand("{'include': [{'site': 'a', 'prod': true}, {'site': 'b'}]}"))
                .containsExactly("{\"site\":\"a\",\"prod\":true}", "{\"site\":\"b\"}");
    }

    @Test
    void valuesMayBeObjectsAndCompareAsValues() {
        assertThat(
                        expand(
                                "{'node': [{'v': 18, 'npm': 9}, {'v': 20, 'npm': 10}], 'exclude': [{'node': {'v': 18.0, 'npm': 9}}]}"))
                .containsExactly("{\"node\":{\"v\":20,\"npm\":10}}");
    }

    @Test
    void malformedMatricesAreExplained() {
        assertThatThrownBy(() -> Matrix.expand(json("{'os': 'linux'}")))
                .hasMessage("matrix vector `os` must be a list of values, not string");
        assertThatThrownBy(() -> Matrix.expand(json("{'os': []}"))).hasMessage("matrix vector `os` has no values");
        assertThatThrownBy(() -> Matrix.expand(json("{'os': ['a'], 'exclude': [{'os': 'a'}]}")))
                .hasMessageContaining("makes no job");
        assertThatThrownBy(() -> Matrix.expand(json("['a']"))).hasMessageContaining("must be a mapping");
        assertThatThrownBy(() -> Matrix.expand(json("{'include': 'x'}")))
                .hasMessageContaining("must be a list of mappings");
    }

    @Test
    void moreThan256JobsAreRefusedWithoutBuildingAHugeProduct() {
        assertThatThrownBy(() -> Matrix.expand(json("{'a': " + range(17) + ", 'b': " + range(16) + "}")))
                .hasMessage("the matrix makes 272 jobs; at most 256 are allowed");
        assertThatThrownBy(() -> Matrix.expand(
                        json("{'a': " + range(1000) + ", 'b': " + range(1000) + ", 'c': " + range(1000) + "}")))
                .hasMessageContaining("at most 256 are allowed");
        assertThat(Matrix.expand(json("{'a': " + range(16) + ", 'b': " + range(16) + "}")))
                .hasSize(256);
    }

    @Test
    void matrixJobsAreNamedAsGitHubNamesThem() {
        ObjectNode combination = (ObjectNode) json("{'node': 20, 'os': 'ubuntu-latest', 'extra': {'a': 1}}");
        assertThat(Matrix.jobName("build", combination)).isEqualTo("build (20, ubuntu-latest, {\"a\":1})");
        assertThat(Matrix.jobName("build", JSON.createObjectNode())).isEqualTo("build");
    }

    private static String range(int n) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append(i);
        }
        return out.append(']').toString();
    }
}
