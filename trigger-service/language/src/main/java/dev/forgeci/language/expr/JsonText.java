package dev.forgeci.language.expr;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code toJSON}'s text: JSON indented by two spaces, as GitHub (and JavaScript's
 * {@code JSON.stringify(value, null, 2)}) writes it; numbers as {@link Values#formatNumber} reads
 * them, NaN and the infinities as null.
 */
final class JsonText {

    private final StringBuilder out = new StringBuilder();
    private final Budget budget;

    private JsonText(Budget budget) {
        this.budget = budget;
    }

    static String write(JsonNode value, Budget budget) {
        JsonText text = new JsonText(budget);
        text.value(value, "");
        return text.out.toString();
    }

    private void value(JsonNode value, String indent) {
        switch (Values.kind(value)) {
            case NULL -> append("null");
            case BOOLEAN -> append(value.booleanValue() ? "true" : "false");
            case NUMBER -> {
                double d = value.doubleValue();
                append(Double.isNaN(d) || Double.isInfinite(d) ? "null" : Values.formatNumber(d));
            }
            case STRING -> string(value.textValue());
            case ARRAY -> {
                if (value.isEmpty()) {
                    append("[]");
                    return;
                }
                String inner = indent + "  ";
                append("[");
                for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
                    append("\n").append(inner);
                    value(it.next(), inner);
                    if (it.hasNext()) {
                        append(",");
                    }
                }
                append("\n").append(indent).append("]");
            }
            case OBJECT -> {
                if (value.isEmpty()) {
                    append("{}");
                    return;
                }
                String inner = indent + "  ";
                append("{");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    append("\n").append(inner);
                    string(field.getKey());
                    append(": ");
                    value(field.getValue(), inner);
                    if (it.hasNext()) {
                        append(",");
                    }
                }
                append("\n").append(indent).append("}");
            }
        }
    }

    private void string(String text) {
        append("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !pairedSurrogate(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        append("\"");
    }

    private static boolean pairedSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private StringBuilder append(String text) {
        out.append(text);
        budget.ensureRoom(out.length());
        return out;
    }
}
