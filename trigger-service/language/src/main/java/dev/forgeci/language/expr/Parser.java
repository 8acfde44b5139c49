package dev.forgeci.language.expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forgeci.language.expr.Expr.Operator;
import dev.forgeci.language.expr.Token.Type;

/**
 * Parses an expression with GitHub's precedence, lowest first: {@code ||}, {@code &&},
 * {@code == !=}, {@code < <= > >=}, {@code !}, then indexing and calls. Function names and their
 * number of arguments are checked here; which contexts and functions a place allows is checked
 * on the {@link References} of the parse, so one parse serves every place.
 */
public final class Parser {

    /** Every context an expression may name, GitHub's and Forge's own; where each is available is checked elsewhere. */
    public static final Set<String> CONTEXTS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            "github",
            "env",
            "vars",
            "secrets",
            "matrix",
            "strategy",
            "steps",
            "needs",
            "inputs",
            "job",
            "jobs",
            "runner",
            "forge")));

    /** GitHub's bound on nesting. */
    static final int MAX_DEPTH = 50;

    private final List<Token> tokens;
    private int position;
    private int depth;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Parses a whole expression; an empty one is an error. */
    public static Expr parse(String expression) {
        Parser parser = new Parser(Lexer.tokens(expression));
        if (parser.peek().type() == Type.END) {
            throw new ExpressionException("the expression is empty", 0);
        }
        Expr expr = parser.expression();
        if (parser.peek().type() != Type.END) {
            throw parser.unexpected(parser.peek());
        }
        return expr;
    }

    private Expr expression() {
        enter();
        try {
            return or();
        } finally {
            depth--;
        }
    }

    private Expr or() {
        Expr first = and();
        if (peek().type() != Type.OR) {
            return first;
        }
        List<Expr> operands = new ArrayList<>(List.of(first));
        while (match(Type.OR)) {
            operands.add(and());
        }
        return new Expr.Logical(false, operands, first.offset());
    }

    private Expr and() {
        Expr first = equality();
        if (peek().type() != Type.AND) {
            return first;
        }
        List<Expr> operands = new ArrayList<>(List.of(first));
        while (match(Type.AND)) {
            operands.add(equality());
        }
        return new Expr.Logical(true, operands, first.offset());
    }

    private Expr equality() {
        Expr expr = comparison();
        while (peek().type() == Type.EQUAL_EQUAL || peek().type() == Type.BANG_EQUAL) {
            Operator operator = next().type() == Type.EQUAL_EQUAL ? Operator.EQ : Operator.NE;
            expr = new Expr.Compare(operator, expr, comparison(), expr.offset());
        }
        return expr;
    }

    private Expr comparison() {
        Expr expr = unary();
        while (true) {
            Operator operator = switch (peek().type()) {
                case LESS -> Operator.LT;
                case LESS_EQUAL -> Operator.LE;
                case GREATER -> Operator.GT;
                case GREATER_EQUAL -> Operator.GE;
                default -> null;
            };
            if (operator == null) {
                return expr;
            }
            next();
            expr = new Expr.Compare(operator, expr, unary(), expr.offset());
        }
    }

    private Expr unary() {
        if (peek().type() == Type.BANG) {
            Token bang = next();
            enter();
            try {
                return new Expr.Not(unary(), bang.offset());
            } finally {
                depth--;
            }
        }
        return index();
    }

    private Expr index() {
        Expr expr = call();
        if (!(expr instanceof Expr.Group || expr instanceof Expr.Call || expr instanceof Expr.Context)) {
            return expr;
        }
        int entered = 0;
        try {
            while (true) {
                if (match(Type.LEFT_BRACKET)) {
                    Expr indexed;
                    if (match(Type.STAR)) {
                        indexed = new Expr.Wildcard(expr, expr.offset());
                    } else {
                        indexed = new Expr.Index(expr, expression(), expr.offset());
                    }
                    expect(Type.RIGHT_BRACKET, "`]`");
                    expr = indexed;
                } else if (match(Type.DOT)) {
                    Token property = next();
                    if (property.type() == Type.IDENTIFIER) {
                        expr = new Expr.Index(
                                expr,
                                new Expr.Literal(TextNode.valueOf(property.lexeme()), property.offset()),
                                expr.offset());
                    } else if (property.type() == Type.STAR) {
                        expr = new Expr.Wildcard(expr, expr.offset());
                    } else {
                        throw unexpected(property);
                    }
                } else {
                    return expr;
                }
                enter();
                entered++;
            }
        } finally {
            depth -= entered;
        }
    }

    private Expr call() {
        if (peek().type() != Type.IDENTIFIER) {
            return primary();
        }
        Token name = next();
        if (!match(Type.LEFT_PAREN)) {
            if (!CONTEXTS.contains(name.lexeme().toLowerCase(Locale.ROOT))) {
                throw new ExpressionException(
                        "unknown context `" + name.lexeme() + "`; the contexts are " + String.join(", ", CONTEXTS)
                                + " (a function needs parentheses)",
                        name.offset());
            }
            return new Expr.Context(name.lexeme(), name.offset());
        }
        List<Expr> args = new ArrayList<>();
        while (!match(Type.RIGHT_PAREN)) {
            if (peek().type() == Type.END) {
                throw new ExpressionException(
                        "the call of " + name.lexeme() + " is not closed: add a `)`", name.offset());
            }
            args.add(expression());
            if (peek().type() != Type.RIGHT_PAREN) {
                expect(Type.COMMA, "`,` or `)`");
            }
        }
        Functions.checkArity(name.lexeme().toLowerCase(Locale.ROOT), name.lexeme(), args.size(), name.offset());
        return new Expr.Call(name.lexeme(), List.copyOf(args), name.offset());
    }

    private Expr primary() {
        Token token = next();
        return switch (token.type()) {
            case TRUE -> new Expr.Literal(BooleanNode.TRUE, token.offset());
            case FALSE -> new Expr.Literal(BooleanNode.FALSE, token.offset());
            case NULL -> new Expr.Literal(NullNode.getInstance(), token.offset());
            case NUMBER -> new Expr.Literal(DoubleNode.valueOf((Double) token.value()), token.offset());
            case STRING -> new Expr.Literal(TextNode.valueOf((String) token.value()), token.offset());
            case LEFT_PAREN -> {
                Expr inner = expression();
                expect(Type.RIGHT_PAREN, "`)`");
                yield new Expr.Group(inner, token.offset());
            }
            case END -> throw new ExpressionException("the expression ends where a value was expected", token.offset());
            default -> throw unexpected(token);
        };
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new ExpressionException("the expression nests deeper than " + MAX_DEPTH + " levels", peek().offset());
        }
    }

    private void expect(Type type, String what) {
        Token token = next();
        if (token.type() != type) {
            throw new ExpressionException(
                    "expected " + what + " but found " + token.shown() + " at position " + (token.offset() + 1),
                    token.offset());
        }
    }

    private ExpressionException unexpected(Token token) {
        if (token.type() == Type.END) {
            return new ExpressionException("the expression ends unexpectedly", token.offset());
        }
        return new ExpressionException(
                "unexpected " + token.shown() + " at position " + (token.offset() + 1), token.offset());
    }

    private boolean match(Type type) {
        if (peek().type() == type) {
            position++;
            return true;
        }
        return false;
    }

    private Token peek() {
        return tokens.get(position);
    }

    private Token next() {
        Token token = tokens.get(position);
        if (token.type() != Type.END) {
            position++;
        }
        return token;
    }
}
