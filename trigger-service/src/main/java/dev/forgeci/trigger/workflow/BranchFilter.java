package dev.forgeci.trigger.workflow;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code branches} of {@code on.push}, GitHub-style: {@code *} matches within one path segment,
 * {@code **} across segments, {@code ?} one character, and a leading {@code !} excludes what the
 * patterns before it included (the last matching pattern decides). No patterns: every branch.
 */
public record BranchFilter(List<String> patterns) {

    public static final BranchFilter ANY = new BranchFilter(List.of());

    public boolean matches(String branch) {
        if (patterns.isEmpty()) {
            return true;
        }
        boolean included = false;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            if (toRegex(negated ? pattern.substring(1) : pattern).matcher(branch).matches()) {
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
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
