package dev.forgeci.trigger.run;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Values;
import dev.forgeci.trigger.workflow.DispatchInput;

/**
 * A manual run's inputs checked against what a workflow declares under
 * {@code on.workflow_dispatch.inputs}, as GitHub checks a dispatch: required ones present, booleans
 * true or false, numbers numeric, choices among their options; defaults filled in. The {@code inputs}
 * context keeps booleans and numbers typed; {@code github.event.inputs} has them as strings.
 */
final class DispatchInputs {

    static final int MAX_VALUE_LENGTH = 65_536;

    /** The inputs context and its strings-only twin for {@code github.event.inputs}. */
    record Resolved(ObjectNode typed, ObjectNode strings) {}

    private DispatchInputs() {}

    static Resolved resolve(List<DispatchInput> declared, ObjectNode given, List<FieldError> errors) {
        ObjectNode typed = JsonNodeFactory.instance.objectNode();
        ObjectNode strings = JsonNodeFactory.instance.objectNode();
        for (DispatchInput input : declared) {
            JsonNode value = given == null ? null : given.get(input.name());
            String field = "inputs." + input.name();
            if (value == null || value.isNull()) {
                boolean noDefault =
                        input.defaultValue() == null || input.defaultValue().isEmpty();
                if (input.required() && noDefault) {
                    errors.add(new FieldError(field, "is required by the workflow"));
                    continue;
                }
                if (noDefault) {
                    // as GitHub leaves an input nobody gave: false for a boolean, empty otherwise
                    boolean flag = input.type().equals("boolean");
                    if (flag) {
                        typed.put(input.name(), false);
                    } else {
                        typed.put(input.name(), "");
                    }
                    strings.put(input.name(), flag ? "false" : "");
                    continue;
                }
                value = JsonNodeFactory.instance.textNode(input.defaultValue());
            }
            if (!Values.primitive(value)) {
                errors.add(new FieldError(field, "must be a string, boolean or number, not a list or an object"));
                continue;
            }
            String text = Values.toText(value);
            if (text.length() > MAX_VALUE_LENGTH) {
                errors.add(new FieldError(field, "is longer than " + MAX_VALUE_LENGTH + " characters"));
                continue;
            }
            switch (input.type()) {
                case "boolean" -> {
                    if (!text.equals("true") && !text.equals("false")) {
                        errors.add(new FieldError(field, "must be true or false, not `" + abbreviate(text) + "`"));
                        continue;
                    }
                    typed.put(input.name(), text.equals("true"));
                }
                case "number" -> {
                    double number = Values.parseNumber(text);
                    if (text.isBlank() || Double.isNaN(number)) {
                        errors.add(new FieldError(field, "must be a number, not `" + abbreviate(text) + "`"));
                        continue;
                    }
                    typed.set(input.name(), Values.number(number));
                }
                case "choice" -> {
                    if (!input.options().contains(text)) {
                        errors.add(new FieldError(
                                field, "must be one of " + input.options() + ", not `" + abbreviate(text) + "`"));
                        continue;
                    }
                    typed.put(input.name(), text);
                }
                default -> typed.put(input.name(), text);
            }
            strings.put(input.name(), text);
        }
        return new Resolved(typed, strings);
    }

    /** The names given that no workflow of the run declares: GitHub refuses a dispatch with unexpected inputs. */
    static List<String> unexpected(ObjectNode given, Set<String> declared) {
        List<String> names = new ArrayList<>();
        if (given != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                String name = it.next().getKey();
                if (!declared.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 59) + "…" : text;
    }
}
