package dev.forgeci.trigger.workflow;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A workflow file after the compiler: valid, every default filled in, with the templates that
 * depend on the event still to be evaluated ({@code runName}, the concurrency group, the jobs'
 * deferred fields) and the warnings for what it writes that means nothing here. {@code callable}
 * is what {@code on.workflow_call} declares, null when other workflows cannot call this one.
 */
public record CompiledWorkflow(
        String name,
        String file,
        Flavor flavor,
        String runName,
        Triggers on,
        String concurrencyGroup,
        JsonNode cancelInProgress,
        List<JobTemplate> jobs,
        List<WorkflowError> warnings,
        @JsonIgnore List<ActionUse> actions,
        Callable callable) {

    /** A step's {@code uses:} and where it is written, for the lint's look at whether the action can be had. */
    public record ActionUse(String uses, Location location) {}

    /** Where the file lives decides two defaults GitHub and Forge's own format disagree on. */
    public enum Flavor {
        /** {@code .forge/workflows}: `on` may be left out (push, patch, manual), jobs time out after 60 minutes, `bash` is `bash -eo pipefail`. */
        FORGE(60),
        /** {@code .github/workflows}: `on` and `runs-on` are required, jobs time out after 360 minutes, the unspecified shell is `bash -e`. */
        GITHUB(360);

        public final int defaultTimeoutMinutes;

        Flavor(int defaultTimeoutMinutes) {
            this.defaultTimeoutMinutes = defaultTimeoutMinutes;
        }

        public static Flavor of(String file) {
            return file.startsWith(".github/") ? GITHUB : FORGE;
        }
    }

    /** The inputs a manual run may give, by name. */
    public Set<String> inputNames() {
        return on.inputs().stream()
                .map(DispatchInput::name)
                .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
