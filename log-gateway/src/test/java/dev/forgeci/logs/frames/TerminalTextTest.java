package dev.forgeci.logs.frames;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void coloursCursorMovesTitlesAndHyperlinksStayAsTheyAre() {
        for (String kept : new String[] {
            "\u001b[1;32mok\u001b[0m",
            "progress\u001b[2K\u001b[1G50%",
            "\u001b]0;build\u0007",
            "\u001b]8;;https://example.org\u001b\\link\u001b]8;;\u001b\\",
            "plain text",
            ""
        }) {
            assertThat(TerminalText.safe(kept)).isEqualTo(kept);
        }
    }

    @Test
    void sequencesThatMakeATerminalAnswerOrWriteTheClipboardAreShownNotObeyed() {
        assertThat(TerminalText.safe("a\u001b]52;c;ZWNobyBwd25lZA==\u0007b"))
                .isEqualTo("a\u241b]52;c;ZWNobyBwd25lZA==\u0007b");
        assertThat(TerminalText.safe("\u001b[6n\u001b[5n\u001b[c\u001b[>c\u001b[21t"))
                .isEqualTo("\u241b[6n\u241b[5n\u241b[c\u241b[>c\u241b[21t");
        assertThat(TerminalText.safe("\u001b[?2004$p")).isEqualTo("\u241b[?2004$p");
        assertThat(TerminalText.safe("\u001bP$qm\u001b\\ and \u001b_apc\u001b\\"))
                .isEqualTo("\u241bP$qm\u001b\\ and \u241b_apc\u001b\\");
        assertThat(TerminalText.safe("\u001b]11;?\u0007")).as("a colour query").isEqualTo("\u241b]11;?\u0007");
        assertThat(TerminalText.safe("c1 \u009b6n")).isEqualTo("c1 \u241b9b6n");
        assertThat(TerminalText.safe("\u001bZ")).isEqualTo("\u241bZ");
        assertThat(TerminalText.safe("\u001b]52;c;unterminated")).startsWith("\u241b]52");
    }
}
