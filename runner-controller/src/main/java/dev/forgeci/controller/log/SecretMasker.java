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
 * the log is cut into lines before it is masked.
 */
public final class SecretMasker {

    public static final SecretMasker NONE = new SecretMasker(new byte[0][]);

    private static final byte[] MASK = "***".getBytes(StandardCharsets.US_ASCII);

    /** Longest first, so a secret that contains another is masked whole. */
    private final byte[][] secrets;
    private final boolean[] firstBytes = new boolean[256];

    private SecretMasker(byte[][] secrets) {
        this.secrets = secrets;
        for (byte[] secret : secrets) {
            firstBytes[secret[0] & 0xff] = true;
        }
    }

    public static SecretMasker of(Collection<String> values) {
        Set<String> pieces = new LinkedHashSet<>();
        for (String value : values) {
            for (String line : value.split("\r?\n")) {
                if (!line.isBlank()) {
                    pieces.add(line);
                }
            }
        }
        return new SecretMasker(pieces.stream().map(p -> p.getBytes(StandardCharsets.UTF_8))
                .sorted(Comparator.comparingInt((byte[] b) -> b.length).reversed()).toArray(byte[][]::new));
    }

    public boolean isEmpty() {
        return secrets.length == 0;
    }

    /** Length in bytes of the longest secret (0 when there is none). */
    public int longest() {
        return secrets.length == 0 ? 0 : secrets[0].length;
    }

    /** The bytes with every secret replaced, or null when none occurs (the common case, without copying). */
    public byte[] mask(byte[] bytes, int offset, int length) {
        if (secrets.length == 0) {
            return null;
        }
        ByteArrayOutputStream masked = null;
        int end = offset + length;
        int copied = offset;
        int i = offset;
        while (i < end) {
            byte[] match = firstBytes[bytes[i] & 0xff] ? matchAt(bytes, i, end) : null;
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

    private byte[] matchAt(byte[] bytes, int at, int end) {
        for (byte[] secret : secrets) {
            if (secret.length <= end - at && Arrays.equals(bytes, at, at + secret.length, secret, 0, secret.length)) {
                return secret;
            }
        }
        return null;
    }
}
