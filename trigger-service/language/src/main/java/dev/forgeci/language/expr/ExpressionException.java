package dev.forgeci.language.expr;

/**
 * An expression that cannot be parsed or evaluated. {@code offset} is the position in the
 * expression text the problem is at (from 0), or -1 when it concerns the whole expression (an
 * evaluation error).
 */
public final class ExpressionException extends RuntimeException {

    private final int offset;

    public ExpressionException(String message, int offset) {
        super(message, null, false, false);
        this.offset = offset;
    }

    public int offset() {
        return offset;
    }
}
