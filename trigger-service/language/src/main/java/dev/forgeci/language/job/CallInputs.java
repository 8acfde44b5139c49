package dev.forgeci.language.job;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forgeci.language.expr.ExpressionException;
import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.expr.Template;
import dev.forgeci.language.expr.Values;

/**
 * The {@code inputs} context of a called (reusable) workflow's jobs: the caller's {@code with},
 * evaluated in the calling job's scope, checked against the types {@code on.workflow_call.inputs}
 * declares, defaults filled in. The trigger evaluates it when it plans a run; the scheduler, with
 * the same code, when the calling job's {@code with} reads {@code needs}, and for every dispatch.
 *
 * <p>{@code declared} maps each input to {@code {type, required, default}}; {@code with} maps input
 * names to their values as written (strings may hold expressions; booleans and numbers stay typed).
 * An input given no value and no default is what GitHub gives: {@code false}, {@code 0} or {@code ""}.
 */
public final class CallInputs {

    /** The field a job of a called workflow keeps its call in. */
    public static final String CALL = "call";

    private CallInputs() {}

    public static ObjectNode evaluate(JsonNode declared, JsonNode with, Scope scope) {
        ObjectNode inputs = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> input = it.next();
            String name = input.getKey();
            String type = input.getValue().path("type").asText("string");
            JsonNode given = with == null ? null : with.get(name);
            JsonNode value;
            if (given == null || given.isNull()) {
                value = input.getValue().get("default");
                if (value == null || value.isNull()) {
                    value = switch (type) {
                        case "boolean" -> BooleanNode.FALSE;
                        case "number" -> Values.number(0);
                        default -> TextNode.valueOf("");
                    };
                }
            } else {
                try {
                    value = given.isTextual() ? Template.value(given.textValue(), scope) : given;
                } catch (ExpressionException e) {
                    throw new JobInstances.InstantiationException("with", "input `" + name + "`: " + e.getMessage());
                }
            }
            inputs.set(name, typed(name, type, value));
        }
        return inputs;
    }

    /** GitHub reads a string where a boolean or number is declared when it spells one ("true", "3"). */
    private static JsonNode typed(String name, String type, JsonNode value) {
        if (!Values.primitive(value)) {
            throw new JobInstances.InstantiationException(
                    "with", "input `" + name + "` must be a " + type + ", not a list or an object");
        }
        String text = Values.toText(value);
        return switch (type) {
            case "boolean" -> {
                if (value.isBoolean()) {
                    yield value;
                }
                if (!text.equals("true") && !text.equals("false")) {
                    throw new JobInstances.InstantiationException(
                            "with", "input `" + name + "` must be true or false, not `" + text + "`");
                }
                yield BooleanNode.valueOf(text.equals("true"));
            }
            case "number" -> {
                double number = value.isNumber() ? value.doubleValue() : Values.parseNumber(text);
                if (text.isBlank() || Double.isNaN(number)) {
                    throw new JobInstances.InstantiationException(
                            "with", "input `" + name + "` must be a number, not `" + text + "`");
                }
                yield Values.number(number);
            }
            default -> TextNode.valueOf(text);
        };
    }
}
