package dev.forgeci.controller.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One attempt of a job, handed by the scheduler to whichever controller takes it. {@code context}
 * holds the contexts the run started with (github, inputs, vars, forge) and the job's {@code needs};
 * the job's templates are evaluated against them here, when each step is about to run.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobDispatched(
        String runId,
        String jobId,
        Integer attempt,
        Instant dispatchedAt,
        Repository repository,
        String commit,
        String ref,
        String cloneUrl,
        boolean trusted,
        String workflow,
        ObjectNode context,
        Job job) {

    /** Without the attempt it names a dispatch cannot be read (and goes to dead-letters). */
    public JobDispatched {
        if (runId == null || jobId == null || attempt == null) {
            throw new IllegalArgumentException("job-dispatched without runId, jobId or attempt");
        }
    }

    /** The attempt this dispatch is of. */
    public JobKey key() {
        return new JobKey(runId, jobId, attempt);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Repository(String id, String name) {}

    /**
     * The normalized job: every default already filled in by trigger-service. {@code if} and the
     * values of {@code env} and {@code outputs} may hold expressions; {@code matrix} and
     * {@code strategy} are this job's place in its matrix; {@code group} is the workflow's job id.
     * {@code container} ({@code image}, {@code env}, {@code ports}, {@code volumes}, {@code options},
     * {@code credentials}) and {@code services} (by name, the same fields) hold templates.
     * {@code call} is set on a job of a called (reusable) workflow.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Job(
            String id,
            String group,
            String name,
            @JsonProperty("if") String condition,
            Double timeoutMinutes,
            Boolean continueOnError,
            Map<String, String> env,
            List<String> secrets,
            Map<String, String> outputs,
            JsonNode matrix,
            Strategy strategy,
            List<String> runsOn,
            List<Step> steps,
            JsonNode container,
            JsonNode services,
            Call call) {

        public Map<String, String> envOrEmpty() {
            return env == null ? Map.of() : env;
        }

        public List<String> secretsOrEmpty() {
            return secrets == null ? List.of() : secrets;
        }

        public Map<String, String> outputsOrEmpty() {
            return outputs == null ? Map.of() : outputs;
        }

        public List<Step> stepsOrEmpty() {
            return steps == null ? List.of() : steps;
        }

        /** The id {@code needs} and {@code GITHUB_JOB} use: the workflow's job id, shared by a matrix's jobs. */
        public String groupOrId() {
            return group != null ? group : id;
        }

        /** The job's id in the file that defines it: a called workflow's job is {@code <caller>.<id>} in the run, {@code <id>} there. */
        public String idInItsWorkflow() {
            String id = groupOrId();
            return call != null && call.job() != null && id.startsWith(call.job() + ".")
                    ? id.substring(call.job().length() + 1)
                    : id;
        }
    }

    /**
     * Of a job of a called workflow, what the controller needs: the secrets passed to it, by the
     * name the called workflow reads to the name in this repository's store; null when the
     * caller wrote {@code secrets: inherit} (every secret by its own name).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Call(String job, Map<String, String> secrets) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Strategy(Boolean failFast, Integer maxParallel, Integer jobIndex, Integer jobTotal) {}

    /**
     * A normalized step. {@code name}, {@code run}, {@code workingDirectory} and the values of
     * {@code env} and {@code with} are templates; {@code if} is an expression (or one of Forge's first
     * words: success, failure, always, cancelled); {@code timeoutMinutes} and {@code continueOnError}
     * are a number and a boolean, or a {@code ${{ }}} template. {@code uses} names a built-in action.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Step(
            Integer index,
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
            @JsonProperty("if") String condition) {

        public Map<String, String> envOrEmpty() {
            return env == null ? Map.of() : env;
        }
    }

    public String repositoryId() {
        return repository == null ? null : repository.id();
    }
}
