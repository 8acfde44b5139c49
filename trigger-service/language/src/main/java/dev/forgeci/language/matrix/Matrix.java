package dev.forgeci.language.matrix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Values;

/**
 * {@code strategy.matrix} expanded as GitHub documents it: every combination of the vectors, in
 * the order the keys are written; {@code exclude} removes the combinations it matches (a partial
 * match suffices), before {@code include}; each {@code include} entry is merged into every original
 * combination whose original values it does not contradict (values it added itself may be
 * overwritten by a later entry), or becomes a combination of its own when it fits none.
 */
public final class Matrix {

    /** GitHub's limit of jobs one matrix makes. */
    public static final int MAX_JOBS = 256;
    /** How large the product may be before {@code exclude} brings it under the limit (and what it costs to build). */
    private static final int MAX_PRODUCT = MAX_JOBS * 64;

    private Matrix() {}

    /** A matrix that cannot be expanded; the message says why. */
    public static final class MatrixException extends RuntimeException {
        public MatrixException(String message) {
            super(message, null, false, false);
        }
    }

    /** The combinations, each an object of the matrix's keys; throws on a malformed matrix or one over the limit. */
    public static List<ObjectNode> expand(JsonNode matrix) {
        if (matrix == null || !matrix.isObject()) {
            throw new MatrixException("`strategy.matrix` must be a mapping of names to lists of values, not "
                    + Values.kind(matrix).name().toLowerCase());
        }
        List<String> keys = new ArrayList<>();
        matrix.fieldNames().forEachRemaining(name -> {
            if (!name.equals("include") && !name.equals("exclude")) {
                keys.add(name);
            }
        });
        List<ObjectNode> combinations = product(matrix, keys);
        for (ObjectNode exclusion : entries(matrix.get("exclude"), "exclude")) {
            combinations.removeIf(combination -> matches(combination, exclusion, exclusion.fieldNames()));
        }
        Set<String> original = new LinkedHashSet<>(keys);
        int originals = combinations.size();
        for (ObjectNode inclusion : entries(matrix.get("include"), "include")) {
            boolean merged = false;
            for (int i = 0; i < originals; i++) {
                ObjectNode combination = combinations.get(i);
                Iterator<String> originalKeys = onlyOriginal(inclusion, original);
                if (matches(combination, inclusion, originalKeys)) {
                    combination.setAll(inclusion);
                    merged = true;
                }
            }
            if (!merged) {
                combinations.add(inclusion.deepCopy());
            }
            if (combinations.size() > MAX_PRODUCT) {
                throw tooMany(combinations.size());
            }
        }
        if (combinations.size() > MAX_JOBS) {
            throw tooMany(combinations.size());
        }
        if (combinations.isEmpty()) {
            throw new MatrixException(
                    "the matrix makes no job: its vectors are empty or `exclude` removed every combination");
        }
        return combinations;
    }

    private static List<ObjectNode> product(JsonNode matrix, List<String> keys) {
        List<ObjectNode> combinations = new ArrayList<>();
        if (keys.isEmpty()) {
            return combinations;
        }
        long size = 1;
        for (String key : keys) {
            JsonNode vector = matrix.get(key);
            if (vector == null || !vector.isArray()) {
                throw new MatrixException("matrix vector `" + key + "` must be a list of values, not "
                        + Values.kind(vector).name().toLowerCase());
            }
            if (vector.isEmpty()) {
                throw new MatrixException("matrix vector `" + key + "` has no values");
            }
            size *= vector.size();
            if (size > MAX_PRODUCT) {
                throw tooMany(size);
            }
        }
        combinations.add(JsonNodeFactory.instance.objectNode());
        for (String key : keys) {
            List<ObjectNode> next = new ArrayList<>();
            for (ObjectNode combination : combinations) {
                for (JsonNode value : matrix.get(key)) {
                    ObjectNode extended = combination.deepCopy();
                    extended.set(key, value);
                    next.add(extended);
                }
            }
            combinations = next;
        }
        return combinations;
    }

    private static MatrixException tooMany(long jobs) {
        return new MatrixException("the matrix makes " + jobs + " jobs; at most " + MAX_JOBS + " are allowed");
    }

    private static List<ObjectNode> entries(JsonNode list, String name) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new MatrixException("`matrix." + name + "` must be a list of mappings");
        }
        List<ObjectNode> entries = new ArrayList<>();
        for (JsonNode entry : list) {
            if (!(entry instanceof ObjectNode object)) {
                throw new MatrixException(
                        "each entry of `matrix." + name + "` must be a mapping of matrix names to values");
            }
            entries.add(object);
        }
        return entries;
    }

    private static Iterator<String> onlyOriginal(ObjectNode entry, Set<String> original) {
        List<String> keys = new ArrayList<>();
        entry.fieldNames().forEachRemaining(name -> {
            if (original.contains(name)) {
                keys.add(name);
            }
        });
        return keys.iterator();
    }

    /** Whether the combination has the entry's value for each of these keys (values compared as JSON, numbers as numbers). */
    private static boolean matches(ObjectNode combination, ObjectNode entry, Iterator<String> keys) {
        while (keys.hasNext()) {
            String key = keys.next();
            if (!sameValue(combination.get(key), entry.get(key))) {
                return false;
            }
        }
        return true;
    }

    /** Numbers compare by value (1 equals 1.0); anything else as JSON. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) ->
            a.isNumber() && b.isNumber() ? (a.doubleValue() == b.doubleValue() ? 0 : 1) : (a.equals(b) ? 0 : 1);

    static boolean sameValue(JsonNode a, JsonNode b) {
        return a == null || b == null ? a == b : a.equals(NUMBERS_BY_VALUE, b);
    }

    /**
     * GitHub's name of one matrix job: the job's name followed by the combination's values,
     * {@code build (14, ubuntu-latest)}.
     */
    public static String jobName(String base, ObjectNode combination) {
        List<String> values = new ArrayList<>();
        combination
                .elements()
                .forEachRemaining(
                        value -> values.add(value.isContainerNode() ? value.toString() : Values.toText(value)));
        return values.isEmpty() ? base : base + " (" + String.join(", ", values) + ")";
    }
}
