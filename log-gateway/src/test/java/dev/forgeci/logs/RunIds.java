package dev.forgeci.logs;

import java.security.SecureRandom;

/** Fresh ULIDs, so tests sharing the broker and Redis never read each other's runs. */
final class RunIds {

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    static String next() {
        char[] id = new char[26];
        long time = System.currentTimeMillis();
        for (int i = 9; i >= 0; i--) {
            id[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        for (int i = 10; i < 26; i++) {
            id[i] = CROCKFORD[RANDOM.nextInt(32)];
        }
        return new String(id);
    }
}
