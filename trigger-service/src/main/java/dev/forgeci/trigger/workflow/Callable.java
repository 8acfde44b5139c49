package dev.forgeci.trigger.workflow;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What {@code on.workflow_call} declares: the inputs a caller's {@code with} may give (typed, with
 * defaults), the outputs the calling job gets (templates over the {@code jobs} context) and the
 * secrets it may pass, by name, with whether each is required.
 */
public record Callable(Map<String, Input> inputs, Map<String, String> outputs, Map<String, Boolean> secrets) {

    /** One input: {@code boolean}, {@code number} or {@code string}, as GitHub types them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(
            String type,
            boolean required,
            @JsonProperty("default") JsonNode defaultValue) {}
}
