package dev.forgeci.language.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.forgeci.language.action.ActionMetadata.InvalidMetadataException;

class ActionMetadataTest {

    private static ActionMetadata parse(String yaml) {
        return ActionMetadata.parse("o/r@v1/action.yml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJavaScriptActionsInputsOutputsAndPhasesAreRead() {
        ActionMetadata action = parse("""
                name: Greet
                inputs:
                  who-to-greet:
                    description: who
                    required: true
                    default: ${{ github.actor }}
                  times:
                    default: 3
                outputs:
                  time:
                    description: when
                runs:
                  using: node20
                  main: dist/index.js
                  post: dist/cleanup.js
                  post-if: success()
                """);

        assertThat(action.name()).isEqualTo("Greet");
        assertThat(action.inputs().get("who-to-greet"))
                .isEqualTo(new ActionMetadata.Input("who", true, "${{ github.actor }}", null));
        assertThat(action.inputs().get("times").defaultValue()).isEqualTo("3");
        assertThat(action.outputs()).containsOnlyKeys("time");
        assertThat(action.runs().javascript()).isTrue();
        assertThat(action.runs().main()).isEqualTo("dist/index.js");
        assertThat(action.runs().post()).isEqualTo("dist/cleanup.js");
        assertThat(action.runs().postIf()).isEqualTo("success()");
        assertThat(ActionMetadata.inputVariable("who-to-greet")).isEqualTo("INPUT_WHO-TO-GREET");
        assertThat(ActionMetadata.inputVariable("my input")).isEqualTo("INPUT_MY_INPUT");
    }

    @Test
    void badMetadataSaysTheFileAndWhere() {
        assertThatThrownBy(() -> parse("runs:\n  using: node20\n  main: [unclosed\n"))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageStartingWith("o/r@v1/action.yml:4:1: ");
        assertThatThrownBy(() -> parse("runs:\n  using: node20\n  using: node16\n  main: a.js\n"))
                .hasMessageStartingWith("o/r@v1/action.yml:3:");
        assertThatThrownBy(() -> parse("runs:\n  using: python3\n"))
                .hasMessage(
                        "o/r@v1/action.yml: `runs.using: python3` is not something Forge runs: use node20 (or node12, node16, node24), composite or docker");
        assertThatThrownBy(() -> parse("runs:\n  using: node20\n")).hasMessageContaining("`runs.main` is missing");
        assertThatThrownBy(() -> parse("name: x\n")).hasMessage("o/r@v1/action.yml: `runs` must be a mapping");
        assertThatThrownBy(() -> parse("- a\n- b\n")).hasMessage("o/r@v1/action.yml: the file must be a mapping");
    }

    @Test
    void whatReadingCostsIsBounded() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 30; i++) {
            bomb.append("b").append(i).append(": &b").append(i).append(" [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n");
        }
        assertThatThrownBy(() -> parse(bomb.toString()))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("aliases");
        assertThatThrownBy(() -> ActionMetadata.parse("big/action.yml", new byte[ActionMetadata.MAX_BYTES + 1]))
                .hasMessage("big/action.yml is larger than 1024 KiB");
    }
}
