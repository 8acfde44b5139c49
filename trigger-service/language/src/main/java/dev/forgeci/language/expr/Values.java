package dev.forgeci.language.expr;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * GitHub's value rules: six kinds (null, boolean, number, string, array, object); loose equality and
 * ordering that coerce to numbers when kinds differ and compare strings ignoring case; truthiness;
 * and how each kind reads as a string or a number. Values are Jackson nodes, so contexts and results
 * are plain JSON; every number is a double, as in JavaScript.
 */
public final class Values {

    private Values() {}

    /** The six kinds of GitHub's expression values. */
    public enum Kind {
        NULL,
        BOOLEAN,
        NUMBER,
        STRING,
        ARRAY,
        OBJECT
    }

    /** The array a wildcard produces: indexing it indexes each of its elements. */
    static final class FilteredArray extends ArrayNode {

        FilteredArray() {
            super(JsonNodeFactory.instance);
        }
    }

    public static Kind kind(JsonNode value) {
        if (value == null) {
            return Kind.NULL;
        }
        JsonNodeType type = value.getNodeType();
        return switch (type) {
            case BOOLEAN -> Kind.BOOLEAN;
            case NUMBER -> Kind.NUMBER;
            case STRING, BINARY -> Kind.STRING;
            case ARRAY -> Kind.ARRAY;
            case OBJECT, POJO -> Kind.OBJECT;
            default -> Kind.NULL;
        };
    }

    public static boolean primitive(JsonNode value) {
        Kind kind = kind(value);
        return kind != Kind.ARRAY && kind != Kind.OBJECT;
    }

    /** Falsy: null, false, 0, -0, NaN and the empty string; everything else (arrays and objects too) is truthy. */
    public static boolean truthy(JsonNode value) {
        return switch (kind(value)) {
            case NULL -> false;
            case BOOLEAN -> value.booleanValue();
            case NUMBER -> {
                double d = value.doubleValue();
                yield d != 0 && !Double.isNaN(d);
            }
            case STRING -> !value.textValue().isEmpty();
            default -> true;
        };
    }

    public static JsonNode number(double value) {
        return DoubleNode.valueOf(value);
    }

    public static JsonNode orNull(JsonNode value) {
        return value == null || value.isMissingNode() ? NullNode.getInstance() : value;
    }

    /** As a number: null 0, booleans 1 and 0, strings as JavaScript's {@code Number()} reads them, arrays and objects NaN. */
    public static double toNumber(JsonNode value) {
        return switch (kind(value)) {
            case NULL -> 0;
            case BOOLEAN -> value.booleanValue() ? 1 : 0;
            case NUMBER -> value.doubleValue();
            case STRING -> parseNumber(value.textValue());
            default -> Double.NaN;
        };
    }

    /** As a string: null is empty, numbers without trailing zeros, arrays {@code Array} and objects {@code Object}. */
    public static String toText(JsonNode value) {
        return switch (kind(value)) {
            case NULL -> "";
            case BOOLEAN -> value.booleanValue() ? "true" : "false";
            case NUMBER -> formatNumber(value.doubleValue());
            case STRING -> value.textValue();
            case ARRAY -> "Array";
            case OBJECT -> "Object";
        };
    }

    /**
     * A number as GitHub writes it: at most 15 decimals, no trailing zeros, integers without a point;
     * {@code NaN}, {@code Infinity} and {@code -Infinity} by name.
     */
    public static String formatNumber(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal decimal = new BigDecimal(value);
        if (decimal.abs().compareTo(BigDecimal.valueOf(1e21)) >= 0) {
            return jsExponential(value);
        }
        // Fifteen decimals, then the shortest text that reads back as that double: 0.1 + 0.2 is 0.3.
        double rounded = decimal.setScale(15, RoundingMode.HALF_UP).doubleValue();
        if (rounded == 0) {
            return "0";
        }
        if (rounded == Math.rint(rounded)) {
            return Math.abs(rounded) < 0x1p53
                    ? Long.toString((long) rounded)
                    : new BigDecimal(Double.toString(rounded)).toPlainString();
        }
        if (Math.abs(rounded) < 1e-6) {
            return jsExponential(rounded);
        }
        return new BigDecimal(Double.toString(rounded)).stripTrailingZeros().toPlainString();
    }

    private static String jsExponential(double value) {
        String text = Double.toString(value).toLowerCase(Locale.ROOT); // e.g. 1.0e21, 1.5e-7
        int e = text.indexOf('e');
        String mantissa = text.substring(0, e);
        String exponent = text.substring(e + 1);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return mantissa + "e" + (exponent.startsWith("-") ? exponent : "+" + exponent);
    }

    /**
     * JavaScript's {@code Number(text)}: surrounding white space ignored, empty is 0, decimal with an
     * optional sign, point and exponent, {@code 0x}/{@code 0o}/{@code 0b} integers (unsigned), and
     * {@code Infinity}; anything else is NaN.
     */
    public static double parseNumber(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return 0;
        }
        if (s.length() > 2 && s.charAt(0) == '0') {
            int radix = switch (s.charAt(1)) {
                case 'x', 'X' -> 16;
                case 'o', 'O' -> 8;
                case 'b', 'B' -> 2;
                default -> 0;
            };
            if (radix != 0) {
                return parseRadix(s.substring(2), radix);
            }
        }
        String unsigned = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        if (unsigned.equals("Infinity")) {
            return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!unsigned.matches("(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            return Double.NaN;
        }
        return Double.parseDouble(s);
    }

    private static double parseRadix(String digits, int radix) {
        if (digits.isEmpty()) {
            return Double.NaN;
        }
        double value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = Character.digit(digits.charAt(i), radix);
            if (digit < 0) {
                return Double.NaN;
            }
            value = value * radix + digit;
        }
        return value;
    }

    /** {@code ==}: kinds coerced as JavaScript's abstract equality does (objects stay objects), strings ignore case. */
    public static boolean looseEquals(JsonNode left, JsonNode right) {
        JsonNode[] pair = coerce(orNull(left), orNull(right));
        JsonNode l = pair[0];
        JsonNode r = pair[1];
        Kind kind = kind(l);
        if (kind != kind(r)) {
            return false;
        }
        return switch (kind) {
            case NULL -> true;
            case BOOLEAN -> l.booleanValue() == r.booleanValue();
            case NUMBER -> {
                double a = l.doubleValue();
                double b = r.doubleValue();
                yield !Double.isNaN(a) && !Double.isNaN(b) && a == b;
            }
            case STRING -> upper(l.textValue()).equals(upper(r.textValue()));
            // arrays and objects are equal only to themselves
            default -> l == r;
        };
    }

    /** Negative, zero or positive for {@code <}, {@code ==}, {@code >}; null when the two do not compare (NaN, objects). */
    public static Integer compare(JsonNode left, JsonNode right) {
        JsonNode[] pair = coerce(orNull(left), orNull(right));
        JsonNode l = pair[0];
        JsonNode r = pair[1];
        Kind kind = kind(l);
        if (kind != kind(r)) {
            return null;
        }
        return switch (kind) {
            case NUMBER -> {
                double a = l.doubleValue();
                double b = r.doubleValue();
                yield Double.isNaN(a) || Double.isNaN(b) ? null : Double.compare(a == 0 ? 0 : a, b == 0 ? 0 : b);
            }
            case STRING -> Integer.signum(upper(l.textValue()).compareTo(upper(r.textValue())));
            case BOOLEAN -> Boolean.compare(l.booleanValue(), r.booleanValue());
            case NULL -> 0;
            default -> null;
        };
    }

    /** Numbers and strings meet as numbers; a boolean or null on either side becomes a number first. */
    private static JsonNode[] coerce(JsonNode l, JsonNode r) {
        Kind lk = kind(l);
        Kind rk = kind(r);
        if (lk == rk) {
            return new JsonNode[] {l, r};
        }
        if (lk == Kind.NUMBER && rk == Kind.STRING) {
            return new JsonNode[] {l, number(toNumber(r))};
        }
        if (lk == Kind.STRING && rk == Kind.NUMBER) {
            return new JsonNode[] {number(toNumber(l)), r};
        }
        if (lk == Kind.NULL || lk == Kind.BOOLEAN) {
            return coerce(number(toNumber(l)), r);
        }
        if (rk == Kind.NULL || rk == Kind.BOOLEAN) {
            return coerce(l, number(toNumber(r)));
        }
        return new JsonNode[] {l, r};
    }

    /** Upper case as GitHub compares strings: ordinal, ignoring case, except that the dotless ı stays as it is. */
    static String upper(String text) {
        if (text.indexOf('ı') < 0) {
            return text.toUpperCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        for (int at = text.indexOf('ı'); at >= 0; at = text.indexOf('ı', from)) {
            out.append(text.substring(from, at).toUpperCase(Locale.ROOT)).append('ı');
            from = at + 1;
        }
        return out.append(text.substring(from).toUpperCase(Locale.ROOT)).toString();
    }

    /** A property of an object, matched ignoring case as GitHub's contexts are; null when absent. */
    public static JsonNode property(JsonNode object, String name) {
        if (!(object instanceof ObjectNode node)) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        var fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }
}
