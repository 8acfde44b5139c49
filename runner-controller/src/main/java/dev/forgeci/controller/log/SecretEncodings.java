package dev.forgeci.controller.log;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The forms a secret takes when a step prints it encoded, each masked like the value itself: JSON
 * string content (as Jackson and as Python's {@code json.dumps} escape it), URL-encoded (with
 * {@code +} and with {@code %20} for spaces), shell-quoted as bash's {@code set -x} prints it,
 * base64 at each of the three byte offsets it can have inside longer data, and base64 of each of
 * those again (what {@code | base64 | base64} of a memory dump holds: the tj-actions compromise,
 * CVE-2025-30066). A base64 form covers only the characters that depend on the secret alone.
 */
final class SecretEncodings {

    /** Encoded forms shorter than this would mask common text; the value itself is masked at any length. */
    static final int MIN_ENCODED_LENGTH = 6;

    private SecretEncodings() {}

    static Set<String> of(String value) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(value)));
        forms.add(asciiJson(value));
        String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
        forms.add(form);
        forms.add(form.replace("+", "%20"));
        forms.add(value.replace("'", "'\\''"));
        for (String once : base64(value.getBytes(StandardCharsets.UTF_8))) {
            forms.add(once);
            forms.addAll(base64(once.getBytes(StandardCharsets.US_ASCII)));
        }
        forms.removeIf(encoded -> encoded.equals(value) || encoded.length() < MIN_ENCODED_LENGTH);
        return forms;
    }

    /**
     * The bytes' base64, and the characters that encode them wherever they sit in a longer stream: for
     * each offset k (0, 1, 2) of the bytes within their 3-byte group, the characters from the first
     * whose 6 bits all belong to the bytes to the last such one.
     */
    static List<String> base64(byte[] bytes) {
        List<String> forms = new ArrayList<>(4);
        // Encoded alone (printf %s "$SECRET" | base64), padding and all.
        forms.add(Base64.getEncoder().encodeToString(bytes));
        for (int k = 0; k < 3; k++) {
            byte[] shifted = new byte[k + bytes.length];
            System.arraycopy(bytes, 0, shifted, k, bytes.length);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            int start = (8 * k + 5) / 6;
            int end = 8 * shifted.length / 6;
            if (end > start) {
                forms.add(encoded.substring(start, end));
            }
        }
        return forms;
    }

    /** JSON string content with everything outside ASCII as {@code \\uXXXX}, as Python's json.dumps writes it by default. */
    private static String asciiJson(String value) {
        String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(value));
        StringBuilder ascii = new StringBuilder(escaped.length());
        for (char c : escaped.toCharArray()) {
            if (c < 0x80) {
                ascii.append(c);
            } else {
                ascii.append(String.format("\\u%04x", (int) c));
            }
        }
        return ascii.toString();
    }
}
