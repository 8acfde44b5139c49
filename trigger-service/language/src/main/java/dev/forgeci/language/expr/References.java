package dev.forgeci.language.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an expression refers to, for checks before it runs: each context with the chain of literal
 * properties read from it ({@code steps.build.outputs.x} → {@code steps} with [build, outputs, x]),
 * and each function it calls. A computed key (e.g. {@code matrix[format(…)]}) ends the chain with
 * {@code computed} set; {@code *} stands for a wildcard.
 */
public record References(List<ContextPath> contexts, List<Call> calls) {

    /** A context and the literal keys read from it; {@code offset} is where the context's name is. */
    public record ContextPath(String context, List<String> path, boolean computed, int offset) {}

    /** A call of a function (its name in lower case). */
    public record Call(String name, int offset) {}

    public static References of(Expr expr) {
        References references = new References(new ArrayList<>(), new ArrayList<>());
        references.walk(expr);
        return references;
    }

    private void walk(Expr expr) {
        if (expr instanceof Expr.Index || expr instanceof Expr.Wildcard || expr instanceof Expr.Context) {
            Chain chain = new Chain();
            Expr root = chain(expr, chain);
            if (root instanceof Expr.Context context) {
                contexts.add(new ContextPath(
                        context.name().toLowerCase(Locale.ROOT),
                        List.copyOf(chain.keys),
                        chain.computed,
                        context.offset()));
            } else {
                walk(root);
            }
        } else if (expr instanceof Expr.Call call) {
            calls.add(new Call(call.name().toLowerCase(Locale.ROOT), call.offset()));
            call.args().forEach(this::walk);
        } else if (expr instanceof Expr.Not not) {
            walk(not.operand());
        } else if (expr instanceof Expr.Logical logical) {
            logical.operands().forEach(this::walk);
        } else if (expr instanceof Expr.Compare compare) {
            walk(compare.left());
            walk(compare.right());
        } else if (expr instanceof Expr.Group group) {
            walk(group.inner());
        }
    }

    private static final class Chain {
        final List<String> keys = new ArrayList<>();
        boolean computed;

        void add(String key) {
            if (!computed) {
                keys.add(key);
            }
        }
    }

    /** Follows indexes down to what they index, collecting the literal keys from the root on. */
    private Expr chain(Expr expr, Chain chain) {
        if (expr instanceof Expr.Index index) {
            Expr root = chain(index.target(), chain);
            if (index.key() instanceof Expr.Literal literal && Values.primitive(literal.value())) {
                chain.add(Values.toText(literal.value()));
            } else {
                walk(index.key());
                chain.computed = true;
            }
            return root;
        }
        if (expr instanceof Expr.Wildcard wildcard) {
            Expr root = chain(wildcard.target(), chain);
            chain.add("*");
            return root;
        }
        return expr;
    }
}
