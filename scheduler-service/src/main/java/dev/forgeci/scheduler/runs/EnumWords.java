package dev.forgeci.scheduler.runs;

import java.util.Locale;

/** Statuses written on the wire and in the store as their names in lower case. */
final class EnumWords {

    private EnumWords() {}

    static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose word this is; anything else is refused, naming {@code what} was read. */
    static <E extends Enum<E>> E parse(Class<E> type, String word, String what) {
        for (E value : type.getEnumConstants()) {
            if (word(value).equals(word)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " " + word);
    }
}
