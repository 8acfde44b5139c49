package dev.forgeci.language.expr;

import java.util.ArrayList;
import java.util.List;

import dev.forgeci.language.expr.Token.Type;

/**
 * Splits an expression into tokens as GitHub Actions does: single-quoted strings with {@code ''} for
 * a quote, numbers in every form JavaScript's {@code Number()} reads (hexadecimal, exponents, signs,
 * {@code NaN}, {@code Infinity}), and identifiers of letters, digits, {@code _} and {@code -}
 * (so {@code steps.my-step} is one property), with {@code true}, {@code false} and {@code null}
 * as keywords except right after a dot.
 */
final class Lexer {

    /** GitHub's own bound on an expression's length. */
    static final int MAX_LENGTH = 21_000;

    private final String input;
    private final List<Token> tokens = new ArrayList<>();
    private int start;
    private int offset;

    private Lexer(String input) {
        this.input = input;
    }

    static List<Token> tokens(String input) {
        if (input.length() > MAX_LENGTH) {
            throw new ExpressionException(
                    "the expression is " + input.length() + " characters long; at most " + MAX_LENGTH + " are allowed",
                    0);
        }
        Lexer lexer = new Lexer(input);
        lexer.lex();
        return lexer.tokens;
    }

    private void lex() {
        while (offset < input.length()) {
            start = offset;
            char c = input.charAt(offset++);
            switch (c) {
                case '(' -> add(Type.LEFT_PAREN, null);
                case ')' -> add(Type.RIGHT_PAREN, null);
                case '[' -> add(Type.LEFT_BRACKET, null);
                case ']' -> add(Type.RIGHT_BRACKET, null);
                case ',' -> add(Type.COMMA, null);
                case '.' -> {
                    Type previous = previous();
                    if (previous == Type.IDENTIFIER
                            || previous == Type.RIGHT_BRACKET
                            || previous == Type.RIGHT_PAREN
                            || previous == Type.STAR) {
                        add(Type.DOT, null);
                    } else {
                        number();
                    }
                }
                case '-', '+' -> number();
                case '!' -> add(match('=') ? Type.BANG_EQUAL : Type.BANG, null);
                case '=' -> {
                    if (!match('=')) {
                        throw unexpected();
                    }
                    add(Type.EQUAL_EQUAL, null);
                }
                case '<' -> add(match('=') ? Type.LESS_EQUAL : Type.LESS, null);
                case '>' -> add(match('=') ? Type.GREATER_EQUAL : Type.GREATER, null);
                case '&' -> {
                    if (!match('&')) {
                        throw unexpected();
                    }
                    add(Type.AND, null);
                }
                case '|' -> {
                    if (!match('|')) {
                        throw unexpected();
                    }
                    add(Type.OR, null);
                }
                case '*' -> add(Type.STAR, null);
                case '\'' -> string();
                default -> {
                    if (Character.isWhitespace(c)) {
                        continue;
                    }
                    if (c >= '0' && c <= '9') {
                        number();
                    } else {
                        identifier();
                    }
                }
            }
        }
        tokens.add(new Token(Type.END, "", null, input.length()));
    }

    private void number() {
        while (offset < input.length() && (!boundary(input.charAt(offset)) || input.charAt(offset) == '.')) {
            offset++;
        }
        String lexeme = input.substring(start, offset);
        double value = Values.parseNumber(lexeme);
        if (Double.isNaN(value)) {
            throw new ExpressionException("`" + lexeme + "` is not a number (at position " + (start + 1) + ")", start);
        }
        add(Type.NUMBER, value);
    }

    private void string() {
        StringBuilder value = new StringBuilder();
        while (true) {
            if (offset >= input.length()) {
                throw new ExpressionException(
                        "the string starting at position " + (start + 1) + " is not closed: add a `'`", start);
            }
            char c = input.charAt(offset++);
            if (c == '\'') {
                if (offset < input.length() && input.charAt(offset) == '\'') {
                    value.append('\'');
                    offset++;
                } else {
                    break;
                }
            } else {
                value.append(c);
            }
        }
        add(Type.STRING, value.toString());
    }

    private void identifier() {
        while (offset < input.length() && !boundary(input.charAt(offset))) {
            offset++;
        }
        String lexeme = input.substring(start, offset);
        if (!legalIdentifier(lexeme)) {
            throw unexpected();
        }
        if (previous() != Type.DOT) {
            switch (lexeme) {
                case "true" -> {
                    add(Type.TRUE, Boolean.TRUE);
                    return;
                }
                case "false" -> {
                    add(Type.FALSE, Boolean.FALSE);
                    return;
                }
                case "null" -> {
                    add(Type.NULL, null);
                    return;
                }
                case "NaN" -> {
                    add(Type.NUMBER, Double.NaN);
                    return;
                }
                case "Infinity" -> {
                    add(Type.NUMBER, Double.POSITIVE_INFINITY);
                    return;
                }
                default -> {}
            }
        }
        add(Type.IDENTIFIER, null);
    }

    private ExpressionException unexpected() {
        while (offset < input.length() && !boundary(input.charAt(offset))) {
            offset++;
        }
        String symbol = input.substring(start, offset);
        return new ExpressionException(
                "unexpected symbol `" + symbol + "` at position " + (start + 1)
                        + (symbol.equals("=")
                                ? " (compare with `==`)"
                                : symbol.equals("&") ? " (use `&&`)" : symbol.equals("|") ? " (use `||`)" : ""),
                start);
    }

    private boolean match(char expected) {
        if (offset < input.length() && input.charAt(offset) == expected) {
            offset++;
            return true;
        }
        return false;
    }

    private Type previous() {
        return tokens.isEmpty() ? Type.END : tokens.get(tokens.size() - 1).type();
    }

    private void add(Type type, Object value) {
        tokens.add(new Token(type, input.substring(start, offset), value, start));
    }

    private static boolean boundary(char c) {
        return switch (c) {
            case '(', '[', ')', ']', ',', '.', '!', '>', '<', '=', '&', '|' -> true;
            default -> Character.isWhitespace(c);
        };
    }

    private static boolean legalIdentifier(String text) {
        if (text.isEmpty()) {
            return false;
        }
        char first = text.charAt(0);
        if (!(first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z' || first == '_')) {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
