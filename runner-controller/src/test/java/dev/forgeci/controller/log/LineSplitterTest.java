package dev.forgeci.controller.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineSplitterTest {

    private static final String MARKER = "##forge[0123456789abcdef] ";

    private final List<String> seen = new ArrayList<>();

    private LineSplitter splitter(SecretMasker masker, int maxLineBytes) {
        return new LineSplitter(MARKER, masker, maxLineBytes, new LineSplitter.Sink() {
            @Override
            public void line(String text, int bytes) {
                seen.add(text);
            }

            @Override
            public void marker(String command) {
                seen.add("<" + command + ">");
            }
        });
    }

    private static void feed(LineSplitter splitter, String... pieces) {
        for (String piece : pieces) {
            byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
            splitter.feed(bytes, 0, bytes.length);
        }
    }

    @Test
    void linesMaySpanReadsAndKeepCarriageReturnsAndColours() {
        LineSplitter splitter = splitter(SecretMasker.none(), 1024);
        feed(splitter, "one\ntw", "o\n\n", "\u001b[32mgreen\u001b[0m\n", "10%\r50%\r100%\n", "no newline at the end");
        splitter.finish();

        assertThat(seen)
                .containsExactly(
                        "one", "two", "", "\u001b[32mgreen\u001b[0m", "10%\r50%\r100%", "no newline at the end");
    }

    @Test
    void aMarkerIsFoundAnywhereInALineAndAlsoWhenItArrivesInPieces() {
        LineSplitter splitter = splitter(SecretMasker.none(), 1024);
        feed(
                splitter,
                "last words without newline" + MARKER + "step-end 1 success 0\n",
                "##forge[0123",
                "456789abcdef] step-start 2\nafter\n");

        assertThat(seen)
                .containsExactly("last words without newline", "<step-end 1 success 0>", "<step-start 2>", "after");
    }

    @Test
    void aMarkerWithAnotherNonceIsOrdinaryOutput() {
        LineSplitter splitter = splitter(SecretMasker.none(), 1024);
        feed(splitter, "##forge[ffffffffffffffff] step-end 1 success 0\n");

        assertThat(seen).containsExactly("##forge[ffffffffffffffff] step-end 1 success 0");
    }

    @Test
    void invalidUtf8IsReplacedAndTheStreamGoesOn() {
        LineSplitter splitter = splitter(SecretMasker.none(), 1024);
        byte[] bytes = {'a', (byte) 0xff, (byte) 0xc3, 'b', '\n', 'o', 'k', '\n'};
        splitter.feed(bytes, 0, bytes.length);

        assertThat(seen).containsExactly("a\ufffd\ufffdb", "ok");
    }

    @Test
    void aLongLineIsCutIntoPiecesWithoutSplittingACharacter() {
        LineSplitter splitter = splitter(SecretMasker.none(), 40);
        String line = "é".repeat(50);
        feed(splitter, line.substring(0, 17), line.substring(17), "\n");

        assertThat(seen).hasSizeGreaterThan(2).allMatch(piece -> piece.getBytes(StandardCharsets.UTF_8).length <= 40);
        assertThat(String.join("", seen)).isEqualTo(line);
    }

    @Test
    void aMarkerAfterAnOverlongUnterminatedLineIsStillFound() {
        LineSplitter splitter = splitter(SecretMasker.none(), 64);
        String text = "x".repeat(1000);
        feed(
                splitter,
                text.substring(0, 500),
                text.substring(500) + "##forge[01234567",
                "89abcdef] step-end 1 success 0\n");

        assertThat(seen.get(seen.size() - 1)).isEqualTo("<step-end 1 success 0>");
        assertThat(String.join("", seen.subList(0, seen.size() - 1))).isEqualTo(text);
    }

    @Test
    void aSecretIsMaskedWhenItSpansReadsAndWhenALongLineIsCutAcrossIt() {
        SecretMasker masker = SecretMasker.of(List.of("s3cr3t-value"));
        LineSplitter splitter = splitter(masker, 64);
        String filler = "y".repeat(100);
        feed(splitter, "token: s3cr", "3t-value.\n");
        feed(splitter, filler + "s3cr", "3t-value", filler, "\n");

        assertThat(seen.get(0)).isEqualTo("token: ***.");
        assertThat(seen.subList(1, seen.size())).hasSizeGreaterThan(2);
        assertThat(String.join("", seen.subList(1, seen.size()))).isEqualTo(filler + "***" + filler);
        assertThat(seen).noneMatch(text -> text.contains("s3cr") || text.contains("3t-value"));
    }
}
