package dev.forgeci.language.expr;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * Evaluates a parsed expression against a {@link Scope} with GitHub's semantics: {@code &&} and
 * {@code ||} short-circuit and give the deciding operand; {@code !} and comparisons give booleans;
 * indexing is null-safe (a missing property, an index past the end, or indexing a primitive is
 * null); properties are matched ignoring case; a wildcard maps over an array's elements or an
 * object's values. One evaluation may produce at most {@link Budget#DEFAULT} worth of data.
 */
public final class Evaluator {

    private final Scope scope;
    private final Budget budget;

    private Evaluator(Scope scope, long limit) {
        this.scope = scope;
        this.budget = new Budget(limit);
    }

    public static JsonNode evaluate(Expr expr, Scope scope) {
        return new Evaluator(scope, Budget.DEFAULT).eval(expr);
    }

    /** Parses and evaluates; a convenience for places that evaluate a text once. */
    public static JsonNode evaluate(String expression, Scope scope) {
        return evaluate(Parser.parse(expression), scope);
    }

    private JsonNode eval(Expr expr) {
        if (expr instanceof Expr.Literal literal) {
            return literal.value();
        }
        if (expr instanceof Expr.Context context) {
            return Values.orNull(scope.context(context.name().toLowerCase(Locale.ROOT)));
        }
        if (expr instanceof Expr.Group group) {
            return eval(group.inner());
        }
        if (expr instanceof Expr.Not not) {
            return BooleanNode.valueOf(!Values.truthy(eval(not.operand())));
        }
        if (expr instanceof Expr.Logical logical) {
            JsonNode result = NullNode.getInstance();
            for (Expr operand : logical.operands()) {
                result = eval(operand);
                if (logical.and() != Values.truthy(result)) {
                    break;
                }
            }
            return result;
        }
        if (expr instanceof Expr.Compare compare) {
            return BooleanNode.valueOf(compare(compare.operator(), eval(compare.left()), eval(compare.right())));
        }
        if (expr instanceof Expr.Index index) {
            JsonNode key = eval(index.key());
            return index(eval(index.target()), key);
        }
        if (expr instanceof Expr.Wildcard wildcard) {
            return wildcard(eval(wildcard.target()));
        }
        Expr.Call call = (Expr.Call) expr;
        List<JsonNode> args = new ArrayList<>(call.args().size());
        for (Expr arg : call.args()) {
            args.add(eval(arg));
        }
        return Functions.call(call.name().toLowerCase(Locale.ROOT), args, scope, budget);
    }

    private static boolean compare(Expr.Operator operator, JsonNode left, JsonNode right) {
        return switch (operator) {
            case EQ -> Values.looseEquals(left, right);
            case NE -> !Values.looseEquals(left, right);
            case LT -> is(Values.compare(left, right), -1);
            case GT -> is(Values.compare(left, right), 1);
            case LE -> Values.looseEquals(left, right) || is(Values.compare(left, right), -1);
            case GE -> Values.looseEquals(left, right) || is(Values.compare(left, right), 1);
        };
    }

    private static boolean is(Integer comparison, int sign) {
        return comparison != null && Integer.signum(comparison) == sign;
    }

    /** {@code target[key]}: an object's property by name, an array's element by whole non-negative number. */
    private JsonNode index(JsonNode target, JsonNode key) {
        if (target instanceof Values.FilteredArray filtered) {
            Values.FilteredArray result = new Values.FilteredArray();
            for (JsonNode item : filtered) {
                JsonNode found = single(item, key);
                if (found != null) {
                    result.add(found);
                }
            }
            budget.spend(result.size());
            return result;
        }
        JsonNode found = single(target, key);
        return found == null ? NullNode.getInstance() : found;
    }

    private static JsonNode single(JsonNode target, JsonNode key) {
        if (target == null) {
            return null;
        }
        if (target.isObject()) {
            return Values.primitive(key) ? Values.property(target, Values.toText(key)) : null;
        }
        if (target.isArray()) {
            double number = Values.toNumber(key);
            if (Double.isNaN(number) || Double.isInfinite(number) || number < 0) {
                return null;
            }
            long position = (long) Math.floor(number);
            return position < target.size() ? target.get((int) position) : null;
        }
        return null;
    }

    /** {@code target.*}: an array's elements or an object's values; of a filtered array, the elements' elements or values. */
    private JsonNode wildcard(JsonNode target) {
        Values.FilteredArray result = new Values.FilteredArray();
        if (target instanceof Values.FilteredArray filtered) {
            for (JsonNode item : filtered) {
                if (item.isObject() || item.isArray()) {
                    addAll(result, item.elements());
                }
            }
        } else if (target.isArray() || target.isObject()) {
            addAll(result, target.elements());
        }
        budget.spend(result.size());
        return result;
    }

    private static void addAll(Values.FilteredArray result, Iterator<JsonNode> items) {
        items.forEachRemaining(result::add);
    }
}
