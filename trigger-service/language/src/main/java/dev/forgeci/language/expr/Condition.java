package dev.forgeci.language.expr;

import java.util.Locale;

/**
 * An {@code if:} as GitHub reads it: the text is an expression with or without {@code ${{ }}}
 * around it (text mixed with {@code ${{ }}} parts becomes a {@code format()}, which is a non-empty
 * string and therefore always true — GitHub's documented pitfall); an empty condition is
 * {@code success()}; and a condition that calls none of the status functions is
 * {@code success() && (condition)}, so it is false once something failed or the run is cancelled.
 */
public final class Condition {

    private Condition() {}

    /** The expression to evaluate for an {@code if:} written this way. Throws when it does not parse. */
    public static String normalize(String written) {
        String expression;
        if (written == null || written.isBlank()) {
            return "success()";
        }
        if (Template.hasExpressions(written)) {
            expression = Template.parse(written).asExpression();
        } else {
            expression = written.strip();
        }
        Expr parsed = Parser.parse(expression);
        return callsStatus(parsed) ? expression : "success() && (" + expression + ")";
    }

    /** Forge's first condition words (success, failure, always, cancelled) as the calls they name; others unchanged. */
    public static String fromWord(String condition) {
        if (condition == null || condition.isBlank()) {
            return "success()";
        }
        String word = condition.strip().toLowerCase(Locale.ROOT);
        return Functions.STATUS.contains(word) ? word + "()" : condition;
    }

    /** Whether the condition may hold once a run is cancelled: it calls always() or cancelled(), as clean-up jobs and steps do. */
    public static boolean runsAfterCancel(String expression) {
        return References.of(Parser.parse(expression)).calls().stream()
                .anyMatch(call -> call.name().equals("always") || call.name().equals("cancelled"));
    }

    static boolean callsStatus(Expr expr) {
        return References.of(expr).calls().stream().anyMatch(call -> Functions.STATUS.contains(call.name()));
    }
}
