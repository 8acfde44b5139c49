package dev.forgeci.language.job;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forgeci.language.expr.ExpressionException;
import dev.forgeci.language.expr.References;
import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.expr.Template;
import dev.forgeci.language.expr.Values;
import dev.forgeci.language.matrix.Matrix;

/**
 * Turns a job template into the jobs that run: evaluates the job-level fields that may hold
 * expressions ({@code strategy}, {@code name}, {@code runs-on}, {@code timeout-minutes},
 * {@code continue-on-error}, kept under {@code deferred}) and expands the matrix. trigger-service
 * does it when it accepts a run; the scheduler does it, with the same code, for a job whose
 * fields read {@code needs} and can only be evaluated once the jobs it needs have ended.
 *
 * <p>A job without a matrix keeps its id; the jobs of a matrix are {@code <id>.1}, {@code <id>.2}, …
 * (a dot cannot be part of a workflow's job id), each with {@code group} set to the template's id,
 * which is what {@code needs} names.
 */
public final class JobInstances {

    /** Where a template keeps the fields this class evaluates. */
    public static final String DEFERRED = "deferred";

    public static final int DEFAULT_TIMEOUT_MINUTES = 360;
    public static final int MAX_TIMEOUT_MINUTES = 4320;

    private JobInstances() {}

    /** A job-level field whose value cannot be used; {@code field} is the workflow key (e.g. {@code runs-on}). */
    public static final class InstantiationException extends RuntimeException {

        private final String field;

        public InstantiationException(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** Whether the template's job-level fields read {@code needs}, so only the scheduler can instantiate it. */
    public static boolean readsNeeds(JsonNode deferred) {
        List<String> texts = new ArrayList<>();
        collectTexts(deferred, texts);
        for (String text : texts) {
            if (Template.hasExpressions(text)) {
                for (Template.Expression expression : Template.parse(text).expressions()) {
                    if (References.of(expression.expr()).contexts().stream()
                            .anyMatch(c -> c.context().equals("needs"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The jobs this template makes with these contexts (github, inputs, vars and, at the scheduler, needs). */
    public static List<ObjectNode> instantiate(ObjectNode template, Scope scope) {
        String id = template.path("id").asText();
        JsonNode deferred = template.path(DEFERRED);
        JsonNode strategy = resolve("strategy", deferred.get("strategy"), scope);
        if (strategy != null && !strategy.isNull() && !strategy.isObject()) {
            throw new InstantiationException(
                    "strategy", "`strategy` of job `" + id + "` must be a mapping, not " + kind(strategy));
        }
        JsonNode matrix = strategy == null ? null : strategy.get("matrix");
        List<ObjectNode> combinations;
        if (matrix == null || matrix.isNull()) {
            combinations = new ArrayList<>();
            combinations.add(null);
        } else {
            try {
                combinations = new ArrayList<>(Matrix.expand(matrix));
            } catch (Matrix.MatrixException e) {
                throw new InstantiationException("strategy", "job `" + id + "`: " + e.getMessage());
            }
        }
        boolean failFast = strategy == null || !strategy.has("fail-fast") || Values.truthy(strategy.get("fail-fast"));
        int total = combinations.size();
        int maxParallel = total;
        if (strategy != null
                && strategy.has("max-parallel")
                && !strategy.get("max-parallel").isNull()) {
            double value = Values.toNumber(strategy.get("max-parallel"));
            if (Double.isNaN(value) || value < 1 || value != Math.rint(value)) {
                throw new InstantiationException(
                        "strategy",
                        "`strategy.max-parallel` of job `" + id + "` must be a whole number of at least 1, not "
                                + Values.toText(strategy.get("max-parallel")));
            }
            maxParallel = (int) Math.min(value, total);
        }
        List<ObjectNode> jobs = new ArrayList<>();
        for (int index = 0; index < total; index++) {
            ObjectNode combination = combinations.get(index);
            ObjectNode context = JsonNodeFactory.instance.objectNode();
            context.put("fail-fast", failFast)
                    .put("job-index", index)
                    .put("job-total", total)
                    .put("max-parallel", maxParallel);
            Scope instanceScope = layered(scope, combination == null ? NullNode.getInstance() : combination, context);
            ObjectNode job = JsonNodeFactory.instance.objectNode();
            job.put("id", combination == null ? id : id + "." + (index + 1));
            job.put("group", id);
            job.put("name", name(id, deferred.get("name"), combination, instanceScope));
            job.set("needs", template.path("needs"));
            job.set("if", template.path("if"));
            job.set("runsOn", runsOn(id, resolve("runs-on", deferred.get("runsOn"), instanceScope)));
            job.put(
                    "timeoutMinutes",
                    timeout(id, resolve("timeout-minutes", deferred.get("timeoutMinutes"), instanceScope)));
            JsonNode continueOnError = resolve("continue-on-error", deferred.get("continueOnError"), instanceScope);
            job.put("continueOnError", continueOnError != null && Values.truthy(continueOnError));
            job.set("matrix", combination == null ? NullNode.getInstance() : combination);
            job.set(
                    "strategy",
                    JsonNodeFactory.instance
                            .objectNode()
                            .put("failFast", failFast)
                            .put("maxParallel", maxParallel)
                            .put("jobIndex", index)
                            .put("jobTotal", total));
            // the rest as the template has it (env, secrets, outputs, steps, …), after the fields above
            template.fields().forEachRemaining(field -> {
                if (!job.has(field.getKey()) && !field.getKey().equals(DEFERRED)) {
                    job.set(field.getKey(), field.getValue().deepCopy());
                }
            });
            jobs.add(job);
        }
        return jobs;
    }

    /**
     * The job's name: its own (evaluated), the job id without one; matrix jobs whose name does not
     * read the matrix get the combination's values appended, as on GitHub.
     */
    private static String name(String id, JsonNode written, ObjectNode combination, Scope scope) {
        String text = written == null || written.isNull() ? id : written.asText();
        String name = Values.toText(resolve("name", TextNode.valueOf(text), scope));
        boolean readsMatrix = Template.hasExpressions(text)
                && Template.parse(text).expressions().stream()
                        .anyMatch(e -> References.of(e.expr()).contexts().stream()
                                .anyMatch(c -> c.context().equals("matrix")));
        return combination == null || readsMatrix ? name : Matrix.jobName(name, combination);
    }

    /** {@code runs-on}: a label, a list of labels, or {@code {group, labels}}; what the job needs of a runner. */
    private static ArrayNode runsOn(String id, JsonNode value) {
        ArrayNode labels = JsonNodeFactory.instance.arrayNode();
        JsonNode list = value != null && value.isObject() ? value.get("labels") : value;
        if (list == null || list.isNull()) {
            return labels;
        }
        if (list.isArray()) {
            for (JsonNode label : list) {
                if (!Values.primitive(label) || label.isNull()) {
                    throw new InstantiationException(
                            "runs-on", "`runs-on` of job `" + id + "` must list labels, not " + kind(label));
                }
                labels.add(Values.toText(label));
            }
        } else if (Values.primitive(list)) {
            labels.add(Values.toText(list));
        } else {
            throw new InstantiationException(
                    "runs-on", "`runs-on` of job `" + id + "` must be a label or a list of labels, not " + kind(list));
        }
        return labels;
    }

    private static int timeout(String id, JsonNode value) {
        if (value == null || value.isNull()) {
            return DEFAULT_TIMEOUT_MINUTES;
        }
        double minutes = Values.toNumber(value);
        if (Double.isNaN(minutes) || minutes < 1 || minutes > MAX_TIMEOUT_MINUTES) {
            throw new InstantiationException(
                    "timeout-minutes",
                    "`timeout-minutes` of job `" + id + "` must be a number of minutes " + "from 1 to "
                            + MAX_TIMEOUT_MINUTES + ", not " + Values.toText(value));
        }
        return (int) Math.ceil(minutes);
    }

    /** A value with every text in it evaluated as a template (a text that is one expression becomes that expression's value). */
    public static JsonNode resolve(String field, JsonNode value, Scope scope) {
        if (value == null) {
            return null;
        }
        try {
            return resolve(value, scope);
        } catch (ExpressionException e) {
            throw new InstantiationException(field, "`" + field + "`: " + e.getMessage());
        }
    }

    private static JsonNode resolve(JsonNode value, Scope scope) {
        if (value.isTextual()) {
            return Template.value(value.textValue(), scope);
        }
        if (value.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> out.add(resolve(item, scope)));
            return out;
        }
        if (value.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                out.set(field.getKey(), resolve(field.getValue(), scope));
            }
            return out;
        }
        return value;
    }

    private static void collectTexts(JsonNode value, List<String> texts) {
        if (value == null) {
            return;
        }
        if (value.isTextual()) {
            texts.add(value.textValue());
        } else {
            value.elements().forEachRemaining(item -> collectTexts(item, texts));
        }
    }

    private static Scope layered(Scope base, JsonNode matrix, ObjectNode strategy) {
        return new Scope() {
            @Override
            public JsonNode context(String name) {
                return switch (name) {
                    case "matrix" -> matrix;
                    case "strategy" -> strategy;
                    default -> base.context(name);
                };
            }

            @Override
            public boolean status(String function) {
                return base.status(function);
            }
        };
    }

    private static String kind(JsonNode value) {
        return Values.kind(value).name().toLowerCase(java.util.Locale.ROOT);
    }
}
