package dev.forgeci.controller.log;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Replaces a job's secret values with {@code ***} in raw output bytes, before they are decoded, so
 * invalid UTF-8 around a secret cannot hide it. A multi-line secret is masked line by line, because
 * the log is cut into lines before it is masked; its encoded forms ({@link SecretEncodings}) are
 * masked too. Values can be added while the job runs ({@code ::add-mask::}, {@code core.setSecret});
 * they are masked, in every form, from the next line on.
 */
public final class SecretMasker {

    private static final byte[] MASK = "***".getBytes(StandardCharsets.US_ASCII);

    /** What is masked now, replaced whole when a value is added, so the reading thread never sees half of it. */
    private record Values(byte[][] secrets, boolean[] firstBytes) {
        static Values of(Set<String> pieces) {
            // Longest first, so a secret that contains another is masked whole.
            byte[][] secrets = pieces.stream()
                    .map(p -> p.getBytes(StandardCharsets.UTF_8))
                    .sorted(Comparator.comparingInt((byte[] b) -> b.length).reversed())
                    .toArray(byte[][]::new);
            boolean[] firstBytes = new boolean[256];
            for (byte[] secret : secrets) {
                firstBytes[secret[0] & 0xff] = true;
            }
            return new Values(secrets, firstBytes);
        }
    }

    private final Set<String> pieces = new LinkedHashSet<>();
    private volatile Values values = Values.of(Set.of());

    private SecretMasker() {}

    public static SecretMasker none() {
        return new SecretMasker();
    }

    public static SecretMasker of(Collection<String> values) {
        SecretMasker masker = new SecretMasker();
        masker.add(values);
        return masker;
    }

    /** Masks these values too, from now on. */
    public synchronized void add(Collection<String> added) {
        int before = pieces.size();
        for (String value : added) {
            for (String line : value.split("\r?\n")) {
                if (!line.isBlank()) {
                    pieces.add(line);
                }
            }
            if (!value.isBlank()) {
                // Encoded, even a multi-line value is one line (base64 -w0, a JSON string, a URL).
                pieces.addAll(SecretEncodings.of(value));
            }
        }
        if (pieces.size() != before) {
            values = Values.of(pieces);
        }
    }

    public boolean isEmpty() {
        return values.secrets().length == 0;
    }

    /** Whether the text holds a masked value: what must not leave the job, e.g. as an output. */
    public boolean reveals(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return mask(bytes, 0, bytes.length) != null;
    }

    /** Length in bytes of the longest secret (0 when there is none). */
    public int longest() {
        byte[][] secrets = values.secrets();
        return secrets.length == 0 ? 0 : secrets[0].length;
    }

    /** The bytes with every secret replaced, or null when none occurs (the common case, without copying). */
    public byte[] mask(byte[] bytes, int offset, int length) {
        Values current = values;
        byte[][] secrets = current.secrets();
        boolean[] firstBytes = current.firstBytes();
        if (secrets.length == 0) {
            return null;
        }
        ByteArrayOutputStream masked = null;
        int end = offset + length;
        int copied = offset;
        int i = offset;
        while (i < end) {
            byte[] match = firstBytes[bytes[i] & 0xff] ? matchAt(secrets, bytes, i, end) : null;
            if (match == null) {
                i++;
                continue;
            }
            if (masked == null) {
                masked = new ByteArrayOutputStream(length);
            }
            masked.write(bytes, copied, i - copied);
            masked.write(MASK, 0, MASK.length);
            i += match.length;
            copied = i;
        }
        if (masked == null) {
            return null;
        }
        masked.write(bytes, copied, end - copied);
        return masked.toByteArray();
    }

    private static byte[] matchAt(byte[][] secrets, byte[] bytes, int at, int end) {
        for (byte[] secret : secrets) {
            if (secret.length <= end - at && Arrays.equals(bytes, at, at + secret.length, secret, 0, secret.length)) {
                return secret;
            }
        }
        return null;
    }
}
