package dev.forgeci.trigger.workflow;

import java.util.List;
import java.util.regex.Pattern;

/**
 * GitHub's filter patterns for branches, tags and paths: {@code *} matches within one path segment,
 * {@code **} across segments, {@code ?} one character, {@code +} one or more of the character before,
 * {@code [a-z]} a character class, and a leading {@code !} excludes what the patterns before it
 * included (the last matching pattern decides). No patterns: nothing is filtered out.
 */
public record PatternFilter(List<String> patterns) {

    public static final PatternFilter ANY = new PatternFilter(List.of());

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** Whether the name is included; with no patterns, every name is. */
    public boolean matches(String name) {
        if (patterns.isEmpty()) {
            return true;
        }
        return decides(name, false);
    }

    /** Whether any pattern (negations aside) picks the name: what {@code *-ignore} filters ask. */
    public boolean excludes(String name) {
        return !patterns.isEmpty() && decides(name, false);
    }

    private boolean decides(String name, boolean initial) {
        boolean included = initial;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            if (toRegex(negated ? pattern.substring(1) : pattern).matcher(name).matches()) {
                included = !negated;
            }
        }
        return included;
    }

    static Pattern toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                // `**/` also matches no directory at all: `docs/**/*.md` matches docs/a.md
                if (i + 2 < glob.length() && glob.charAt(i + 2) == '/') {
                    regex.append("(?:.*/)?");
                    i += 2;
                } else {
                    regex.append(".*");
                    i++;
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '+' && i > 0) {
                regex.append('+');
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 1);
                if (close > i + 1 && glob.substring(i + 1, close).matches("[A-Za-z0-9._/-]+")) {
                    regex.append('[').append(glob, i + 1, close).append(']');
                    i = close;
                } else {
                    regex.append(Pattern.quote("["));
                }
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
