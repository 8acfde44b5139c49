package dev.forgeci.trigger.workflow;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import dev.forgeci.language.expr.Condition;
import dev.forgeci.language.expr.ExpressionException;
import dev.forgeci.language.expr.Functions;
import dev.forgeci.language.expr.Parser;
import dev.forgeci.language.expr.References;
import dev.forgeci.language.expr.Template;

/**
 * Checks the expressions of a value where it is written: that they parse, that the place has the
 * contexts and functions they use, and that what they read from a context can exist (a step id
 * before this step, a job this job needs, a key of the job's matrix, a declared input, a property
 * GitHub documents). Each problem is reported at its line and column in the file.
 */
final class ExpressionChecker {

    /** What a job's expressions may refer to; {@code matrixKeys} is null when the matrix is computed (its keys are unknown). */
    record Facts(
            Set<String> stepIds,
            Set<String> needs,
            boolean hasMatrix,
            Set<String> matrixKeys,
            Set<String> inputs,
            String job) {

        static final Facts WORKFLOW = new Facts(Set.of(), Set.of(), false, Set.of(), null, null);

        Facts withSteps(Set<String> ids) {
            return new Facts(ids, needs, hasMatrix, matrixKeys, inputs, job);
        }
    }

    /** What GitHub documents of the github context. */
    private static final Set<String> GITHUB = Set.of(
            "action",
            "action_path",
            "action_ref",
            "action_repository",
            "action_status",
            "actor",
            "actor_id",
            "api_url",
            "base_ref",
            "env",
            "event",
            "event_name",
            "event_path",
            "graphql_url",
            "head_ref",
            "job",
            "path",
            "ref",
            "ref_name",
            "ref_protected",
            "ref_type",
            "repository",
            "repository_id",
            "repository_owner",
            "repository_owner_id",
            "repositoryurl",
            "retention_days",
            "run_id",
            "run_number",
            "run_attempt",
            "secret_source",
            "server_url",
            "sha",
            "token",
            "triggering_actor",
            "workflow",
            "workflow_ref",
            "workflow_sha",
            "workspace");

    private static final Set<String> STRATEGY = Set.of("fail-fast", "job-index", "job-total", "max-parallel");
    private static final Set<String> JOB = Set.of("status", "container", "services", "check_run_id");
    private static final Set<String> RUNNER =
            Set.of("name", "os", "arch", "temp", "tool_cache", "debug", "environment");
    private static final Set<String> FORGE = Set.of("repository", "ref", "workflow", "commit", "run_id", "trusted");
    private static final Set<String> STEP_PROPERTIES = Set.of("outputs", "outcome", "conclusion");
    private static final Set<String> NEEDS_PROPERTIES = Set.of("outputs", "result");

    private final YamlSource source;

    ExpressionChecker(YamlSource source) {
        this.source = source;
    }

    /** Checks every scalar under a node (a value that may be a list or a mapping of templates). */
    void tree(Node node, Place place, Facts facts) {
        if (node instanceof ScalarNode scalar) {
            template(scalar, place, facts);
        } else if (node instanceof SequenceNode sequence) {
            sequence.getValue().forEach(item -> tree(item, place, facts));
        } else if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                tree(tuple.getValueNode(), place, facts);
            }
        }
    }

    /** Checks a scalar that may hold {@code ${{ }}} parts; true when it is fine. */
    boolean template(ScalarNode node, Place place, Facts facts) {
        String text = node.getValue();
        if (!Template.hasExpressions(text)) {
            return true;
        }
        Template template;
        try {
            template = Template.parse(text);
        } catch (ExpressionException e) {
            report(node, Math.max(0, e.offset()), e.getMessage());
            return false;
        }
        boolean fine = true;
        for (Template.Expression expression : template.expressions()) {
            fine &= references(node, expression.offset(), References.of(expression.expr()), place, facts);
        }
        return fine;
    }

    /** An {@code if:}: the expression it becomes (GitHub's rules, {@link Condition}), or null when it is wrong. */
    String condition(ScalarNode node, Place place, Facts facts) {
        String normalized;
        try {
            normalized = Condition.normalize(node.getValue());
        } catch (ExpressionException e) {
            report(
                    node,
                    Template.hasExpressions(node.getValue())
                            ? Math.max(0, e.offset())
                            : leading(node.getValue()) + Math.max(0, e.offset()),
                    e.getMessage());
            return null;
        }
        if (!Template.hasExpressions(node.getValue())) {
            int offset = leading(node.getValue());
            return references(
                            node,
                            offset,
                            References.of(Parser.parse(node.getValue().strip())),
                            place,
                            facts)
                    ? normalized
                    : null;
        }
        return template(node, place, facts) ? normalized : null;
    }

    private boolean references(ScalarNode node, int base, References references, Place place, Facts facts) {
        boolean fine = true;
        for (References.Call call : references.calls()) {
            if (Functions.STATUS.contains(call.name()) && !place.statusFunctions) {
                report(node, base + call.offset(), call.name() + "() can only be used in `if`");
                fine = false;
            } else if (call.name().equals("hashfiles") && !place.hashFiles) {
                report(
                        node,
                        base + call.offset(),
                        "hashFiles() can only be used in steps, where the job's workspace is");
                fine = false;
            }
        }
        for (References.ContextPath reference : references.contexts()) {
            Optional<String> problem = problem(reference, place, facts);
            if (problem.isPresent()) {
                report(node, base + reference.offset(), problem.get());
                fine = false;
            }
        }
        return fine;
    }

    private Optional<String> problem(References.ContextPath reference, Place place, Facts facts) {
        String context = reference.context();
        if (!place.contexts.contains(context)) {
            return Optional.of("the `" + context + "` context is not available in " + place.where + " (there: "
                    + place.listed() + ")");
        }
        List<String> path = reference.path();
        String first = path.isEmpty() ? null : path.get(0);
        if (first == null || first.equals("*")) {
            return Optional.empty();
        }
        String key = first.toLowerCase(Locale.ROOT);
        return switch (context) {
            case "github" -> known(GITHUB, key, "github." + first, "a property of the github context");
            case "strategy" -> known(STRATEGY, key, "strategy." + first, "a property of the strategy context");
            case "job" -> known(JOB, key, "job." + first, "a property of the job context");
            case "runner" -> known(RUNNER, key, "runner." + first, "a property of the runner context");
            case "forge" -> known(FORGE, key, "forge." + first, "a property of the forge context");
            case "steps" ->
                member(
                        facts.stepIds(),
                        first,
                        path,
                        STEP_PROPERTIES,
                        "steps",
                        "no step before this one has the id `" + first + "`",
                        "a step's outputs, outcome or conclusion");
            case "needs" ->
                member(
                        facts.needs(),
                        first,
                        path,
                        NEEDS_PROPERTIES,
                        "needs",
                        "job `" + facts.job() + "` does not need `" + first + "` (list it in `needs` to read it)",
                        "a needed job's outputs or result");
            case "jobs" ->
                member(
                        facts.needs(),
                        first,
                        path,
                        NEEDS_PROPERTIES,
                        "jobs",
                        "the workflow has no job `" + first + "`",
                        "a job's outputs or result");
            case "matrix" -> matrix(facts, first);
            case "inputs" -> inputs(facts, first);
            default -> Optional.empty();
        };
    }

    private static Optional<String> known(Set<String> names, String key, String written, String what) {
        if (names.contains(key)) {
            return Optional.empty();
        }
        return Optional.of("`" + written + "` is not " + what
                + YamlSource.suggestion(key, names)
                        .map(s -> " (did you mean `" + s + "`?)")
                        .orElse("; it has "
                                + String.join(", ", names.stream().sorted().toList())));
    }

    private static Optional<String> member(
            Set<String> ids,
            String first,
            List<String> path,
            Set<String> properties,
            String context,
            String missing,
            String what) {
        Set<String> lower = ids.stream().map(id -> id.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        if (!lower.contains(first.toLowerCase(Locale.ROOT))) {
            return Optional.of("`" + context + "." + first + "`: " + missing
                    + YamlSource.suggestion(first, ids)
                            .map(s -> " (did you mean `" + s + "`?)")
                            .orElse(""));
        }
        if (path.size() > 1
                && !path.get(1).equals("*")
                && !properties.contains(path.get(1).toLowerCase(Locale.ROOT))) {
            return Optional.of("`" + context + "." + first + "." + path.get(1) + "` is not " + what + " (did you mean `"
                    + YamlSource.suggestion(path.get(1), properties)
                            .orElse(properties.iterator().next()) + "`?)");
        }
        return Optional.empty();
    }

    private static Optional<String> matrix(Facts facts, String key) {
        if (!facts.hasMatrix()) {
            return Optional.of("`matrix." + key + "`: "
                    + (facts.job() == null
                            ? "only a job with `strategy.matrix` has a matrix"
                            : "job `" + facts.job() + "` has no `strategy.matrix`"));
        }
        if (facts.matrixKeys() == null || facts.matrixKeys().stream().anyMatch(k -> k.equalsIgnoreCase(key))) {
            return Optional.empty();
        }
        return Optional.of("`matrix." + key + "`: the matrix of job `" + facts.job() + "` has no `" + key + "`; it has "
                + String.join(", ", facts.matrixKeys()));
    }

    private static Optional<String> inputs(Facts facts, String name) {
        if (facts.inputs() == null) {
            return Optional.of(
                    "`inputs." + name + "`: the workflow declares no inputs (`on.workflow_dispatch.inputs`)");
        }
        if (facts.inputs().stream().anyMatch(i -> i.equalsIgnoreCase(name))) {
            return Optional.empty();
        }
        return Optional.of("`inputs." + name + "` is not an input of this workflow"
                + YamlSource.suggestion(name, facts.inputs())
                        .map(s -> " (did you mean `" + s + "`?)")
                        .orElse(facts.inputs().isEmpty() ? "" : "; it has " + String.join(", ", facts.inputs())));
    }

    private static int leading(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Reports at the line and column of the offset in the scalar's value, as far as its style lets us tell. */
    private void report(ScalarNode node, int offset, String message) {
        String value = node.getValue();
        int end = Math.min(offset, value.length());
        int newlines = 0;
        int lineStart = 0;
        for (int i = 0; i < end; i++) {
            if (value.charAt(i) == '\n') {
                newlines++;
                lineStart = i + 1;
            }
        }
        int line = node.getStartMark().getLine();
        int column = node.getStartMark().getColumn();
        int inLine = end - lineStart;
        if (YamlSource.isBlock(node)) {
            int fileLine = line + 1 + newlines;
            String text = source.line(fileLine);
            int indent = 0;
            while (indent < text.length() && text.charAt(indent) == ' ') {
                indent++;
            }
            source.diagnostics().error(fileLine + 1, indent + inLine + 1, message);
        } else if (newlines == 0) {
            boolean quoted = node.getScalarStyle() == DumperOptions.ScalarStyle.DOUBLE_QUOTED
                    || node.getScalarStyle() == DumperOptions.ScalarStyle.SINGLE_QUOTED;
            source.diagnostics().error(line + 1, column + inLine + (quoted ? 1 : 0) + 1, message);
        } else {
            source.diagnostics().error(node, message);
        }
    }
}
