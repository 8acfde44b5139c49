package dev.forgeci.language.expr;

/**
 * One token of an expression; {@code offset} is where it starts in the expression text (from 0), so
 * an error can point at it.
 */
record Token(Type type, String lexeme, Object value, int offset) {

    enum Type {
        LEFT_PAREN,
        RIGHT_PAREN,
        LEFT_BRACKET,
        RIGHT_BRACKET,
        COMMA,
        DOT,
        BANG,
        BANG_EQUAL,
        EQUAL_EQUAL,
        GREATER,
        GREATER_EQUAL,
        LESS,
        LESS_EQUAL,
        AND,
        OR,
        STAR,
        NUMBER,
        STRING,
        IDENTIFIER,
        TRUE,
        FALSE,
        NULL,
        END
    }

    /** How the token reads in an error message. */
    String shown() {
        return switch (type) {
            case END -> "the end of the expression";
            case STRING -> "'" + value + "'";
            default -> lexeme;
        };
    }
}
