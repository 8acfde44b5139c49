package dev.forgeci.controller.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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

    private static final String SECRET = "p@ss w/rd\"it's\\ \u00e9-7f3a91";

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSecretInBase64IsMaskedAtEachOfTheThreeOffsetsItCanHaveInLongerData() {
        SecretMasker masker = SecretMasker.of(List.of(SECRET));
        for (String before : List.of("", "a", "ab", "abc")) {
            for (String after : List.of("", "z", "zz")) {
                String encoded = base64(before + SECRET + after);
                assertThat(mask(masker, encoded))
                        .as("%s|%s", before, after)
                        .contains("***")
                        .isNotEqualTo(encoded);
            }
        }
    }

    @Test
    void theSecretInADoubleBase64DumpIsMaskedAsInTheTjActionsCompromise() {
        SecretMasker masker = SecretMasker.of(List.of(SECRET));
        for (String before : List.of("memory: ", "memory:: ", "memory::: ")) {
            String dump = base64(base64(before + SECRET + " and more of the runner's memory\n"));
            assertThat(mask(masker, dump)).as(before).contains("***");
        }
    }

    @Test
    void theSecretUrlEncodedJsonEscapedAndAsSetXQuotesItIsMasked() {
        SecretMasker masker = SecretMasker.of(List.of(SECRET));
        assertThat(mask(masker, "https://x/?t=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8)))
                .isEqualTo("https://x/?t=***");
        assertThat(mask(
                        masker,
                        "t=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20")))
                .isEqualTo("t=***");
        assertThat(mask(masker, "{\"t\": \"p@ss w/rd\\\"it's\\\\ \u00e9-7f3a91\"}"))
                .isEqualTo("{\"t\": \"***\"}");
        assertThat(mask(masker, "{\"t\": \"p@ss w/rd\\\"it's\\\\ \\u00e9-7f3a91\"}"))
                .as("python's json.dumps")
                .isEqualTo("{\"t\": \"***\"}");
        assertThat(mask(masker, "+ echo 'p@ss w/rd\"it'\\''s\\ \u00e9-7f3a91'")).isEqualTo("+ echo '***'");
    }

    @Test
    void aValueAddedWhileTheJobRunsIsMaskedInEveryFormAndAShortOnesEncodingsAreLeftAlone() {
        SecretMasker masker = SecretMasker.none();
        masker.add(List.of("added-at-run-time"));
        assertThat(mask(masker, base64("added-at-run-time"))).isEqualTo("***");
        SecretMasker shortOne = SecretMasker.of(List.of("ab"));
        assertThat(mask(shortOne, "YWI= ab")).isEqualTo("YWI= ***");
    }
}
