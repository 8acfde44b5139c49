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
 * A job that calls a reusable workflow becomes that workflow's jobs ({@code call} set, ids
 * {@code <caller>.<job>}) and the calling job itself, which runs nowhere: {@code collect} is true,
 * it needs them all, and the scheduler ends it with their result and its {@code outputs}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobTemplate(
        String id,
        List<String> needs,
        @JsonProperty("if") String condition,
        Map<String, String> env,
        List<String> secrets,
        Map<String, String> outputs,
        List<StepTemplate> steps,
        Deferred deferred,
        @JsonIgnore boolean readsNeeds,
        @JsonIgnore Map<String, Location> locations,
        JsonNode container,
        JsonNode services,
        Call call,
        Boolean collect) {

    /**
     * Set on each job of a called (reusable) workflow: the calling job's id, {@code needs} and
     * {@code if} (decided before the job's own, over the caller's needs), its {@code with} as
     * written, the inputs the called workflow declares, and the secrets passed: called name to
     * this repository's name; null when the caller wrote {@code secrets: inherit}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Call(
            String job,
            List<String> needs,
            @JsonProperty("if") String condition,
            JsonNode with,
            Map<String, Callable.Input> inputs,
            Map<String, String> secrets) {}

    /** The job-level fields evaluated per matrix combination: raw values where text may hold {@code ${{ }}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Deferred(
            JsonNode name, JsonNode runsOn, JsonNode strategy, JsonNode timeoutMinutes, JsonNode continueOnError) {}

    /**
     * A job that calls a reusable workflow: it runs nothing itself, needs the called jobs, and
     * ends with their result and the called workflow's outputs ({@code collect}).
     */
    static JobTemplate caller(
            String id,
            List<String> needs,
            Map<String, String> outputs,
            Deferred deferred,
            Map<String, Location> locations) {
        return new JobTemplate(
                id,
                needs,
                "always()",
                Map.of(),
                List.of(),
                outputs,
                List.of(),
                deferred,
                false,
                locations,
                null,
                null,
                null,
                true);
    }

    /** Where a field of the job is written (the job's key when the field is not). */
    public Location location(String field) {
        return locations.getOrDefault(field, locations.get("job"));
    }
}
