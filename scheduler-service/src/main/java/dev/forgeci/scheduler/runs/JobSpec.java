package dev.forgeci.scheduler.runs;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The part of a normalized job the scheduler reasons about; the job itself travels on unchanged. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobSpec(String id, String name, List<String> needs, @JsonProperty("if") String condition, Double timeoutMinutes,
        Boolean continueOnError, List<StepSpec> steps) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StepSpec(Integer index, String name) {
    }

    public List<String> needsOrEmpty() {
        return needs == null ? List.of() : needs;
    }

    public List<StepSpec> stepsOrEmpty() {
        return steps == null ? List.of() : steps;
    }
}
