package dev.forgeci.trigger.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little expression language Forge CI understands: the four status functions of {@code if} and
 * the {@code forge.*} variables of a concurrency group. Anything else is reported, never evaluated.
 */
public final class Expressions {

    public static final Set<String> CONDITIONS = Set.of("success", "failure", "always", "cancelled");
    public static final List<String> GROUP_VARIABLES = List.of("forge.repository", "forge.ref", "forge.workflow");

    private static final Pattern WRAPPED = Pattern.compile("^\\$\\{\\{(.*)}}$", Pattern.DOTALL);
    private static final Pattern CALL = Pattern.compile("^([a-z]+)\\(\\s*\\)$");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{(.*?)}}");

    private Expressions() {
    }

    /** {@code success()}, {@code ${{ always() }}} … → {@code success}, {@code always} …; empty for anything else. */
    public static Optional<String> condition(String text) {
        String expression = text.strip();
        Matcher wrapped = WRAPPED.matcher(expression);
        if (wrapped.matches()) {
            expression = wrapped.group(1).strip();
        }
        Matcher call = CALL.matcher(expression);
        if (call.matches() && CONDITIONS.contains(call.group(1))) {
            return Optional.of(call.group(1));
        }
        return Optional.empty();
    }

    /** The expressions of a template that are not {@code forge.*} group variables (or a dangling {@code ${{}}). */
    public static List<String> unsupportedInGroup(String template) {
        List<String> unsupported = new ArrayList<>();
        Matcher m = EXPRESSION.matcher(template);
        int end = 0;
        while (m.find()) {
            String variable = m.group(1).strip();
            if (!GROUP_VARIABLES.contains(variable)) {
                unsupported.add(variable);
            }
            end = m.end();
        }
        if (template.indexOf("${{", end) >= 0) {
            unsupported.add(template.substring(template.indexOf("${{", end)));
        }
        return unsupported;
    }

    /** Replaces each {@code ${{ forge.x }}} by its value; the template was validated at parse time. */
    public static String resolveGroup(String template, Map<String, String> values) {
        Matcher m = EXPRESSION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1).strip(), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
