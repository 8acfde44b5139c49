package dev.forgeci.controller.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RuntimeFilesTest {

    @Test
    void nameValueLinesAndHeredocsAreReadInOrderWithTheLaterValueWinning() {
        assertThat(RuntimeFiles.values("output", "a=1\nb=x=y\n\nnotes<<EOF\nline 1\n\nline 3\nEOF\na=2\nempty=\n"))
                .containsExactly(
                        Map.entry("a", "2"),
                        Map.entry("b", "x=y"),
                        Map.entry("notes", "line 1\n\nline 3"),
                        Map.entry("empty", ""));
        assertThat(RuntimeFiles.values("env", "A<<ghadelimiter_1\nuses = and << inside\nghadelimiter_1\r\n"))
                .containsExactly(Map.entry("A", "uses = and << inside"));
    }

    @Test
    void aMalformedFileIsRefusedWithGitHubsWords() {
        assertThatThrownBy(() -> RuntimeFiles.values("output", "just text\n"))
                .hasMessage("Unable to process file command 'output' successfully: invalid format `just text`");
        assertThatThrownBy(() -> RuntimeFiles.values("env", "A<<EOF\nnever closed\n"))
                .hasMessageContaining("matching delimiter `EOF` of `A` not found");
        assertThatThrownBy(() -> RuntimeFiles.values("env", "A<<\nx\n")).hasMessageContaining("needs a delimiter");
        assertThatThrownBy(() -> RuntimeFiles.values("env", "BAD NAME=x\n")).hasMessageContaining("is not a name");
    }

    @Test
    void pathLinesAreDirectories() {
        assertThat(RuntimeFiles.paths("/opt/a\n\n  /opt/b  \n")).containsExactly("/opt/a", "/opt/b");
    }
}
