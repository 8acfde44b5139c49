package dev.forgeci.controller.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One attempt of a job, handed by the scheduler to whichever controller takes it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobDispatched(String runId, String jobId, Integer attempt, Instant dispatchedAt, Repository repository,
        String commit, String ref, String cloneUrl, boolean trusted, String workflow, Job job) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(String id, String name) {
    }

    /** The normalized job: every default already filled in by trigger-service. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Job(String id, String name, @JsonProperty("if") String condition, Double timeoutMinutes,
            Boolean continueOnError, Map<String, String> env, List<String> secrets, List<Step> steps) {

        public Map<String, String> envOrEmpty() {
            return env == null ? Map.of() : env;
        }

        public List<String> secretsOrEmpty() {
            return secrets == null ? List.of() : secrets;
        }

        public List<Step> stepsOrEmpty() {
            return steps == null ? List.of() : steps;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Step(Integer index, String name, String run, String shell, String workingDirectory,
            Map<String, String> env, Double timeoutMinutes, Boolean continueOnError, @JsonProperty("if") String condition) {

        public Map<String, String> envOrEmpty() {
            return env == null ? Map.of() : env;
        }
    }

    public String repositoryId() {
        return repository == null ? null : repository.id();
    }
}
