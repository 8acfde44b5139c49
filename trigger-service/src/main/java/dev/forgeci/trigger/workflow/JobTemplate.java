package dev.forgeci.trigger.workflow;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job as compiled from the workflow, before its matrix is expanded. The fields under
 * {@code deferred} may hold expressions that need the job's matrix or the jobs it needs; the
 * library's {@code JobInstances} evaluates them — here when the run is accepted, or at the
 * scheduler when they read {@code needs} ({@link #readsNeeds}). {@code env} is the workflow's
 * {@code env} with the job's laid over it, as templates; {@code secrets} are Forge's secret names
 * injected as environment variables; {@code outputs} are templates evaluated when the job ends;
 * {@code container} and {@code services} are templates the controller evaluates when the job starts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobTemplate(String id, List<String> needs, @JsonProperty("if") String condition, Map<String, String> env,
        List<String> secrets, Map<String, String> outputs, List<StepTemplate> steps, Deferred deferred,
        @JsonIgnore boolean readsNeeds, @JsonIgnore Map<String, Location> locations, JsonNode container, JsonNode services) {

    /** The job-level fields evaluated per matrix combination: raw values where text may hold {@code ${{ }}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Deferred(JsonNode name, JsonNode runsOn, JsonNode strategy, JsonNode timeoutMinutes, JsonNode continueOnError) {
    }

    public JobTemplate withoutSecrets() {
        return new JobTemplate(id, needs, condition, env, List.of(), outputs, steps, deferred, readsNeeds, locations, container, services);
    }

    /** Where a field of the job is written (the job's key when the field is not). */
    public Location location(String field) {
        return locations.getOrDefault(field, locations.get("job"));
    }
}
