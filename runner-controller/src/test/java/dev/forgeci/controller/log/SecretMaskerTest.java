package dev.forgeci.controller.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class SecretMaskerTest {

    private static String mask(SecretMasker masker, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] masked = masker.mask(bytes, 0, bytes.length);
        return masked == null ? text : new String(masked, StandardCharsets.UTF_8);
    }

    @Test
    void everyOccurrenceIsReplacedAndTheLongerSecretWins() {
        SecretMasker masker = SecretMasker.of(List.of("abc", "abcdef"));

        assertThat(mask(masker, "abcdef abc xabcdefx")).isEqualTo("*** *** x***x");
    }

    @Test
    void aMultiLineSecretIsMaskedLineByLineAndBlankLinesAreNotSecrets() {
        SecretMasker masker = SecretMasker.of(List.of("first line\r\n\n  \nsecond line"));

        assertThat(mask(masker, "first line")).isEqualTo("***");
        assertThat(mask(masker, "a second line")).isEqualTo("a ***");
        assertThat(mask(masker, "  ")).isEqualTo("  ");
    }

    @Test
    void withoutAnOccurrenceNothingIsCopied() {
        SecretMasker masker = SecretMasker.of(List.of("secret"));
        byte[] bytes = "nothing to see".getBytes(StandardCharsets.UTF_8);

        assertThat(masker.mask(bytes, 0, bytes.length)).isNull();
        assertThat(SecretMasker.none().mask(bytes, 0, bytes.length)).isNull();
    }
}
