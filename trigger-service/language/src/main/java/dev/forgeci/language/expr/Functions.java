package dev.forgeci.language.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * GitHub's functions, with their arity: {@code contains startsWith endsWith format join toJSON
 * fromJSON case}, the status functions and {@code hashFiles} (answered by the {@link Scope}).
 * Names are case-insensitive.
 */
public final class Functions {

    /** The functions whose answer depends on the job's state. */
    public static final Set<String> STATUS = Set.of("success", "failure", "cancelled", "always");

    private record Arity(int min, int max) {}

    private static final Map<String, Arity> ARITY = Map.ofEntries(
            Map.entry("contains", new Arity(2, 2)),
            Map.entry("startswith", new Arity(2, 2)),
            Map.entry("endswith", new Arity(2, 2)),
            Map.entry("format", new Arity(1, 255)),
            Map.entry("join", new Arity(1, 2)),
            Map.entry("tojson", new Arity(1, 1)),
            Map.entry("fromjson", new Arity(1, 1)),
            Map.entry("case", new Arity(3, 255)),
            Map.entry("hashfiles", new Arity(1, 255)),
            Map.entry("success", new Arity(0, 0)),
            Map.entry("failure", new Arity(0, 0)),
            Map.entry("cancelled", new Arity(0, 0)),
            Map.entry("always", new Arity(0, 0)));

    /** Strict JSON, as JavaScript's JSON.parse reads it; every number a double. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Functions() {}

    public static boolean exists(String lowerName) {
        return ARITY.containsKey(lowerName);
    }

    static void checkArity(String lowerName, String written, int count, int offset) {
        Arity arity = ARITY.get(lowerName);
        if (arity == null) {
            throw new ExpressionException(
                    "unknown function " + written + "(); the functions are contains, startsWith, endsWith, "
                            + "format, join, toJSON, fromJSON, case, hashFiles, success, failure, cancelled and always",
                    offset);
        }
        if (count < arity.min() || count > arity.max()) {
            String expected = arity.min() == arity.max()
                    ? String.valueOf(arity.min())
                    : arity.max() == 255 ? "at least " + arity.min() : arity.min() + " or " + arity.max();
            throw new ExpressionException(
                    written + "() takes " + expected + " argument" + (arity.max() == 1 && arity.min() == 1 ? "" : "s")
                            + ", not " + count,
                    offset);
        }
        if (lowerName.equals("case") && count % 2 == 0) {
            throw new ExpressionException(
                    "case() takes pairs of a condition and a value, then a default: an odd number of "
                            + "arguments, not " + count,
                    offset);
        }
    }

    static JsonNode call(String lowerName, List<JsonNode> args, Scope scope, Budget budget) {
        return switch (lowerName) {
            case "contains" -> BooleanNode.valueOf(contains(args.get(0), args.get(1)));
            case "startswith" ->
                BooleanNode.valueOf(bothPrimitive(args)
                        && Values.upper(Values.toText(args.get(0)))
                                .startsWith(Values.upper(Values.toText(args.get(1)))));
            case "endswith" ->
                BooleanNode.valueOf(bothPrimitive(args)
                        && Values.upper(Values.toText(args.get(0))).endsWith(Values.upper(Values.toText(args.get(1)))));
            case "format" -> text(format(args, budget), budget);
            case "join" -> text(join(args, budget), budget);
            case "tojson" -> text(JsonText.write(args.get(0), budget), budget);
            case "fromjson" -> fromJson(Values.toText(args.get(0)));
            case "case" -> choose(args);
            case "hashfiles" ->
                TextNode.valueOf(
                        scope.hashFiles(args.stream().map(Values::toText).toList()));
            default -> BooleanNode.valueOf(scope.status(lowerName));
        };
    }

    private static JsonNode text(String value, Budget budget) {
        budget.spend(value.length());
        return TextNode.valueOf(value);
    }

    private static boolean bothPrimitive(List<JsonNode> args) {
        return Values.primitive(args.get(0)) && Values.primitive(args.get(1));
    }

    /** A string contains a substring (ignoring case); an array contains an element loosely equal to the item. */
    private static boolean contains(JsonNode search, JsonNode item) {
        if (Values.primitive(search)) {
            return Values.primitive(item)
                    && Values.toText(search)
                            .toLowerCase(Locale.ROOT)
                            .contains(Values.toText(item).toLowerCase(Locale.ROOT));
        }
        if (search.isArray()) {
            for (JsonNode element : search) {
                if (Values.looseEquals(item, element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code {0}}, {@code {1}}, … replaced by the arguments as text; {@code {{} and {@code }}} stand for braces. */
    private static String format(List<JsonNode> args, Budget budget) {
        String pattern = Values.toText(args.get(0));
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '{') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '{') {
                    out.append('{');
                    i += 2;
                    continue;
                }
                int close = pattern.indexOf('}', i);
                String digits = close < 0 ? "" : pattern.substring(i + 1, close);
                if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 3) {
                    throw new ExpressionException(
                            "format(): the format string is invalid at `"
                                    + pattern.substring(i, close < 0 ? pattern.length() : close + 1)
                                    + "` (write `{{` for a brace): " + pattern,
                            -1);
                }
                int index = Integer.parseInt(digits);
                if (index + 1 >= args.size()) {
                    throw new ExpressionException(
                            "format(): the format string refers to argument {" + index + "} but only "
                                    + (args.size() - 1) + " were given: " + pattern,
                            -1);
                }
                out.append(Values.toText(args.get(index + 1)));
                i = close + 1;
            } else if (c == '}') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '}') {
                    out.append('}');
                    i += 2;
                } else {
                    throw new ExpressionException(
                            "format(): the format string has a `}` without its `{` (write `}}` for a brace): "
                                    + pattern,
                            -1);
                }
            } else {
                out.append(c);
                i++;
            }
            budget.ensureRoom(out.length());
        }
        return out.toString();
    }

    /** The elements as text, separated by the separator (default {@code ,}); a single value as text; an object as nothing. */
    private static String join(List<JsonNode> args, Budget budget) {
        JsonNode items = args.get(0);
        if (Values.primitive(items)) {
            return Values.toText(items);
        }
        if (!items.isArray()) {
            return "";
        }
        String separator = args.size() > 1 && Values.primitive(args.get(1)) ? Values.toText(args.get(1)) : ",";
        StringBuilder out = new StringBuilder();
        List<String> parts = new ArrayList<>();
        for (JsonNode item : items) {
            parts.add(Values.toText(item));
        }
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                out.append(separator);
            }
            out.append(parts.get(i));
            budget.ensureRoom(out.length());
        }
        return out.toString();
    }

    private static JsonNode fromJson(String text) {
        if (text.isBlank()) {
            throw new ExpressionException("fromJSON(): the text is empty, which is not JSON", -1);
        }
        try {
            return numbersAsDoubles(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new ExpressionException(
                    "fromJSON(): the text is not JSON (" + e.getOriginalMessage() + "): "
                            + (text.length() > 100 ? text.substring(0, 100) + "…" : text),
                    -1);
        }
    }

    private static JsonNode numbersAsDoubles(JsonNode node) {
        if (node.isNumber()) {
            return Values.number(node.doubleValue());
        }
        if (node.isArray()) {
            var array = (com.fasterxml.jackson.databind.node.ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, numbersAsDoubles(array.get(i)));
            }
        } else if (node.isObject()) {
            var object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
            object.fieldNames().forEachRemaining(name -> object.set(name, numbersAsDoubles(object.get(name))));
        }
        return node;
    }

    /** {@code case(condition, value, …, default)}: the value of the first condition that is true. */
    private static JsonNode choose(List<JsonNode> args) {
        for (int i = 0; i + 1 < args.size(); i += 2) {
            JsonNode condition = args.get(i);
            if (!condition.isBoolean()) {
                throw new ExpressionException(
                        "case(): argument " + (i + 1) + " must be a condition (true or false), not "
                                + Values.kind(condition).name().toLowerCase(Locale.ROOT),
                        -1);
            }
            if (condition.booleanValue()) {
                return args.get(i + 1);
            }
        }
        return args.get(args.size() - 1);
    }
}
