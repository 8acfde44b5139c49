package dev.forgeci.language.expr;

/**
 * What one evaluation may produce, in characters of strings and elements of collections (GitHub
 * bounds an evaluation's memory the same way), so a small expression cannot make a huge value:
 * {@code format('{0}{0}…', big)}, {@code join} or {@code toJSON} of a large context.
 */
final class Budget {

    /** The default: 1 MiB worth of characters, as GitHub's runner allows. */
    static final long DEFAULT = 1 << 20;

    private final long limit;
    private long spent;

    Budget(long limit) {
        this.limit = limit;
    }

    /** Throws when a value of this size, still being built, would not fit in what is left. */
    void ensureRoom(long size) {
        if (spent + size > limit) {
            spend(size);
        }
    }

    /** Counts what a result costs; throws once the evaluation has produced more than its limit. */
    void spend(long amount) {
        spent += amount;
        if (spent > limit) {
            throw new ExpressionException(
                    "the expression produced more than " + limit / 1024 + " KiB of data; " + "it was stopped", -1);
        }
    }
}
