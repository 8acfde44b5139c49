package dev.forgeci.trigger.run;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Run ids: ULIDs, 26 characters of Crockford base32, a 48-bit millisecond time then 80 random bits. */
public final class Ulid {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ulid() {}

    public static String next() {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        return of(System.currentTimeMillis(), random);
    }

    /**
     * The same id for the same thing, every time: its time part is when the thing happened, the rest
     * comes from the thing's name. A schedule's tick gets one, so firing it twice starts one run.
     */
    public static String derived(long millis, String name) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return of(millis, java.util.Arrays.copyOf(digest, 10));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String of(long millis, byte[] random) {
        char[] out = new char[26];
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        int buffer = 0;
        int bits = 0;
        int position = 10;
        for (byte b : random) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out[position++] = ALPHABET[(buffer >>> (bits - 5)) & 31];
                bits -= 5;
            }
            buffer &= (1 << bits) - 1;
        }
        return new String(out);
    }

    public static boolean isValid(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }
}
