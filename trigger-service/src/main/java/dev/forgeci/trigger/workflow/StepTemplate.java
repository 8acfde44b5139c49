package dev.forgeci.trigger.workflow;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A normalized step, as it travels on {@code run-requested} and {@code job-dispatched}. {@code index}
 * counts from 0 within its job; {@code name}, {@code run}, {@code workingDirectory}, the values of
 * {@code env} and {@code with} are templates the runner-controller evaluates when the step is
 * about to run; {@code if} is an expression (GitHub's rules already applied, see {@code Condition});
 * {@code timeoutMinutes} and {@code continueOnError} are a number and a boolean, or a
 * {@code ${{ }}} template; {@code timeoutMinutes} is null when the step sets none (the job's
 * timeout bounds it). {@code uses} names a built-in action, with {@code run} null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepTemplate(
        int index,
        String id,
        String name,
        String run,
        String uses,
        Map<String, String> with,
        String shell,
        String workingDirectory,
        Map<String, String> env,
        JsonNode timeoutMinutes,
        JsonNode continueOnError,
        @JsonProperty("if") String condition) {}
