package dev.forgeci.controller.job;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.language.expr.Condition;
import dev.forgeci.language.expr.ExpressionException;
import dev.forgeci.language.expr.Parser;

/**
 * Checks a dispatch at the controller's edge before any of it reaches a runner: identifiers have
 * their documented shape, nothing that ends up as a git argument can be read as an option, and
 * every step's condition is an expression.
 */
final class DispatchCheck {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final Pattern RID = Pattern.compile("rad:z[1-9A-HJ-NP-Za-km-z]+");
    private static final Pattern REF = Pattern.compile("refs/[^\\s~^:?*\\[\\\\\\p{Cntrl}]+");

    private DispatchCheck() {}

    static List<String> problems(JobDispatched dispatch) {
        List<String> problems = new ArrayList<>();
        if (dispatch.repositoryId() != null
                && !RID.matcher(dispatch.repositoryId()).matches()) {
            problems.add("repository id " + dispatch.repositoryId() + " is not a Radicle id (rad:z…)");
        }
        if (dispatch.cloneUrl() != null) {
            if (!isHttpUrl(dispatch.cloneUrl())) {
                problems.add("clone URL " + dispatch.cloneUrl() + " is not an http(s) URL");
            }
            if (dispatch.commit() == null || !COMMIT.matcher(dispatch.commit()).matches()) {
                problems.add("commit " + dispatch.commit() + " is not a full commit id (40 hex characters)");
            }
        }
        if (dispatch.ref() != null
                && (!REF.matcher(dispatch.ref()).matches() || dispatch.ref().contains(".."))) {
            problems.add("ref " + dispatch.ref() + " is not a valid git ref name");
        }
        if (dispatch.job() == null) {
            problems.add("the dispatch carries no job");
            return problems;
        }
        Set<Integer> indexes = new HashSet<>();
        for (JobDispatched.Step step : dispatch.job().stepsOrEmpty()) {
            if (step.index() == null || step.index() < 0 || !indexes.add(step.index())) {
                problems.add("step " + step.name() + " has a missing, negative or repeated index " + step.index());
            }
            try {
                Parser.parse(Condition.fromWord(step.condition()));
            } catch (ExpressionException e) {
                problems.add("step " + step.index() + ": its `if` cannot be read: " + e.getMessage());
            }
        }
        return problems;
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
