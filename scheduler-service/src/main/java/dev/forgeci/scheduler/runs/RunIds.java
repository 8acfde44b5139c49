package dev.forgeci.scheduler.runs;

import java.security.SecureRandom;
import java.time.Instant;

/** ULIDs: 48 bits of milliseconds and 80 random bits in Crockford base32, so ids sort by time. */
public final class RunIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    public static String next(Instant at) {
        char[] id = new char[26];
        long millis = at.toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            id[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (random[i] & 0xff);
            low = (low << 8) | (random[i + 5] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            id[i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            id[i] = ALPHABET[(int) (low & 31)];
            low >>>= 5;
        }
        return new String(id);
    }
}
