package dev.forgeci.scheduler.runs;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The part of a normalized job the scheduler reasons about; the job itself travels on unchanged.
 * {@code group} is the workflow's job id, which {@code needs} names (a matrix's jobs share it);
 * {@code deferred} is set on a template whose matrix or other job-level fields read {@code needs},
 * which the scheduler instantiates once those jobs have ended. {@code collect} marks a job that
 * calls a reusable workflow: it runs nowhere; it ends with the result of the jobs it needs (the
 * called ones) and its outputs evaluated over them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobSpec(
        String id,
        String group,
        String name,
        List<String> needs,
        @JsonProperty("if") String condition,
        Double timeoutMinutes,
        Boolean continueOnError,
        Strategy strategy,
        JsonNode deferred,
        List<StepSpec> steps,
        Call call,
        Boolean collect) {

    /**
     * A job of a called (reusable) workflow: the calling job's id, needs and {@code if} (decided
     * first, over those needs), its {@code with} and the inputs the called workflow declares.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Call(
            String job,
            List<String> needs,
            @JsonProperty("if") String condition,
            JsonNode with,
            JsonNode inputs) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StepSpec(Integer index, String name) {}

    /** A matrix job's strategy: stop the others when one fails, run at most so many at once. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Strategy(Boolean failFast, Integer maxParallel, Integer jobIndex, Integer jobTotal) {}

    public List<String> needsOrEmpty() {
        return needs == null ? List.of() : needs;
    }

    public List<StepSpec> stepsOrEmpty() {
        return steps == null ? List.of() : steps;
    }

    /** The id {@code needs} refers to: the job's group, or its own id (Forge's first format has no groups). */
    public String groupOrId() {
        return group != null && !group.isBlank() ? group : id;
    }

    public boolean isTemplate() {
        return deferred != null && !deferred.isNull();
    }
}
