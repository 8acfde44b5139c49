package dev.forgeci.language.expr;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** A parsed expression. {@code offset} is where the node starts in the expression text. */
public sealed interface Expr {

    int offset();

    /** {@code 'text'}, {@code 1.5}, {@code true}, {@code null}. */
    record Literal(JsonNode value, int offset) implements Expr {}

    /** A named context: {@code github}, {@code matrix}, … (the name as written; contexts are case-insensitive). */
    record Context(String name, int offset) implements Expr {}

    /** {@code target.name} or {@code target[key]}; a property is a string literal key. */
    record Index(Expr target, Expr key, int offset) implements Expr {}

    /** {@code target.*} or {@code target[*]}: every element or value, as a filtered array. */
    record Wildcard(Expr target, int offset) implements Expr {}

    /** {@code name(args…)}; function names are case-insensitive. */
    record Call(String name, List<Expr> args, int offset) implements Expr {}

    record Not(Expr operand, int offset) implements Expr {}

    /** {@code a && b && …} or {@code a || b || …}: the operand that decided, not a boolean. */
    record Logical(boolean and, List<Expr> operands, int offset) implements Expr {}

    record Compare(Operator operator, Expr left, Expr right, int offset) implements Expr {}

    /** A parenthesised expression, kept so an index on it reads as written. */
    record Group(Expr inner, int offset) implements Expr {}

    enum Operator {
        EQ("=="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">=");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }
    }
}
