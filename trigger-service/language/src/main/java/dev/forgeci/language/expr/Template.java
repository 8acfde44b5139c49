package dev.forgeci.language.expr;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A value as written in a workflow: text with {@code ${{ expression }}} parts. A template that is a
 * single expression evaluates to that expression's value (a number, an object, …); any other is
 * the text with each expression's value as text in its place. {@code }}} inside a quoted string of
 * an expression does not close it.
 */
public final class Template {

    public static final String OPEN = "${{";
    private static final String CLOSE = "}}";

    /** A part: literal text, or an expression with where its text starts in the template. */
    public sealed interface Part {}

    public record Text(String text) implements Part {}

    public record Expression(String source, Expr expr, int offset) implements Part {}

    private final String text;
    private final List<Part> parts;

    private Template(String text, List<Part> parts) {
        this.text = text;
        this.parts = parts;
    }

    /** True when the text has something to evaluate, so it is worth parsing. */
    public static boolean hasExpressions(String text) {
        return text != null && text.contains(OPEN);
    }

    /**
     * Splits the text into its parts and parses each expression. An unclosed {@code ${{} or an
     * expression that does not parse throws, with the offset in the template.
     */
    public static Template parse(String text) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf(OPEN, i);
            if (open < 0) {
                parts.add(new Text(text.substring(i)));
                break;
            }
            if (open > i) {
                parts.add(new Text(text.substring(i, open)));
            }
            int start = open + OPEN.length();
            int close = closing(text, start);
            if (close < 0) {
                throw new ExpressionException("the expression is not closed: `${{` was found without its `}}`", open);
            }
            String source = text.substring(start, close);
            Expr expr;
            try {
                expr = Parser.parse(source);
            } catch (ExpressionException e) {
                throw new ExpressionException(e.getMessage(), e.offset() < 0 ? open : start + e.offset());
            }
            parts.add(new Expression(source.strip(), expr, start));
            i = close + CLOSE.length();
        }
        return new Template(text, List.copyOf(parts));
    }

    /**
     * The longest start of the text, at most {@code max} characters, that cuts no expression in
     * two: a shortened template that still evaluates (a step's default name is one).
     */
    public static String prefix(String text, int max) {
        int i = 0;
        while (true) {
            int open = text.indexOf(OPEN, i);
            if (open < 0 || open >= max) {
                return text.substring(0, Math.min(max, text.length()));
            }
            int close = closing(text, open + OPEN.length());
            if (close < 0 || close + CLOSE.length() > max) {
                return text.substring(0, open);
            }
            i = close + CLOSE.length();
        }
    }

    /** Where the {@code }}} closing the expression that starts at {@code from} is, or -1. */
    private static int closing(String text, int from) {
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                return i;
            }
        }
        return -1;
    }

    public String text() {
        return text;
    }

    public List<Part> parts() {
        return parts;
    }

    /** Exactly one part, an expression: the template's value is the expression's value. */
    public boolean isSingleExpression() {
        return parts.size() == 1 && parts.get(0) instanceof Expression;
    }

    public List<Expression> expressions() {
        return parts.stream()
                .filter(Expression.class::isInstance)
                .map(Expression.class::cast)
                .toList();
    }

    /** The value: a single expression's own value, otherwise text. */
    public JsonNode evaluate(Scope scope) {
        if (isSingleExpression()) {
            return Evaluator.evaluate(((Expression) parts.get(0)).expr(), scope);
        }
        return TextNode.valueOf(evaluateText(scope));
    }

    /** The value as text, e.g. for a step's script or an environment variable. */
    public String evaluateText(Scope scope) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Text literal) {
                out.append(literal.text());
            } else {
                out.append(Values.toText(Evaluator.evaluate(((Expression) part).expr(), scope)));
            }
        }
        return out.toString();
    }

    /** Evaluates a text that may or may not hold expressions; text without any is returned as it is. */
    public static String render(String text, Scope scope) {
        return hasExpressions(text) ? parse(text).evaluateText(scope) : text;
    }

    /** The value of a text that may hold expressions; text without any is a string. */
    public static JsonNode value(String text, Scope scope) {
        return hasExpressions(text) ? parse(text).evaluate(scope) : TextNode.valueOf(text);
    }

    /**
     * The template as one expression with GitHub's {@code format()} rewrite: {@code a-${{ x }}}
     * reads {@code format('a-{0}', x)}. Used where a template must become a condition.
     */
    String asExpression() {
        if (isSingleExpression()) {
            return ((Expression) parts.get(0)).source();
        }
        StringBuilder pattern = new StringBuilder();
        StringBuilder args = new StringBuilder();
        int index = 0;
        for (Part part : parts) {
            if (part instanceof Text literal) {
                pattern.append(
                        literal.text().replace("'", "''").replace("{", "{{").replace("}", "}}"));
            } else {
                pattern.append('{').append(index++).append('}');
                args.append(", ").append(((Expression) part).source());
            }
        }
        return "format('" + pattern + "'" + args + ")";
    }
}
