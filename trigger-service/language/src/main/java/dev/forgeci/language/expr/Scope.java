package dev.forgeci.language.expr;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an expression is evaluated against: the contexts a place has, and the functions that depend
 * on where it runs (the status functions, {@code hashFiles}). Which contexts and functions a place
 * may use at all is checked before, on the expression's {@link References}; a scope only answers.
 */
public interface Scope {

    /** The context's value (its name in lower case), or null where this scope has no such context. */
    JsonNode context(String name);

    /** {@code success()}, {@code failure()}, {@code cancelled()} or {@code always()} here. */
    default boolean status(String function) {
        throw new ExpressionException(function + "() cannot be used here", -1);
    }

    /** {@code hashFiles(patterns…)}: the SHA-256 of the matching files of the workspace, empty when none match. */
    default String hashFiles(List<String> patterns) {
        throw new ExpressionException("hashFiles() cannot be used here: it needs the job's workspace", -1);
    }

    /** This scope with the status functions answered by {@code status} (a job's own outcome so far, say). */
    default Scope withStatus(Predicate<String> status) {
        Scope contexts = this;
        return new Scope() {
            @Override
            public JsonNode context(String name) {
                return contexts.context(name);
            }

            @Override
            public boolean status(String function) {
                return status.test(function);
            }

            @Override
            public String hashFiles(List<String> patterns) {
                return contexts.hashFiles(patterns);
            }
        };
    }

    /** This scope with some contexts replaced (an action's own {@code inputs}, say); status and hashFiles as here. */
    default Scope withContexts(Map<String, ? extends JsonNode> replaced) {
        Scope contexts = this;
        return new Scope() {
            @Override
            public JsonNode context(String name) {
                return replaced.containsKey(name) ? replaced.get(name) : contexts.context(name);
            }

            @Override
            public boolean status(String function) {
                return contexts.status(function);
            }

            @Override
            public String hashFiles(List<String> patterns) {
                return contexts.hashFiles(patterns);
            }
        };
    }

    /** A scope of fixed contexts, keyed by name (any case). */
    static Scope of(Map<String, ? extends JsonNode> contexts) {
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        contexts.forEach((name, value) -> byName.put(name.toLowerCase(Locale.ROOT), value));
        return byName::get;
    }
}
