package dev.forgeci.trigger.run;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One request to start runs, whatever it came from (manual API, webhook, ci-broker, a schedule),
 * validated. {@code commit} may be null when only {@code ref} is known (it is then resolved at the
 * seed); {@code branch} is the short branch name filters are matched against (null for a tag
 * push); {@code inline} is the IDE's unsaved workflow, used instead of the repository's files.
 */
public record TriggerRequest(
        Kind kind,
        String actor,
        boolean trusted,
        String requestId,
        String patchId,
        String statusUrl,
        String statusContext,
        String nodeId,
        String repositoryId,
        String repositoryName,
        String cloneUrl,
        String commit,
        String ref,
        String branch,
        InlineWorkflow inline,
        Event event) {

    public enum Kind {
        PUSH,
        PATCH,
        MANUAL,
        SCHEDULE;

        /** The word on the wire: push, patch, manual, schedule. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** GitHub's name of the event: a push is push, a patch pull_request, a manual run workflow_dispatch. */
        public String github() {
            return switch (this) {
                case PUSH -> "push";
                case PATCH -> "pull_request";
                case MANUAL -> "workflow_dispatch";
                case SCHEDULE -> "schedule";
            };
        }
    }

    public record InlineWorkflow(String file, String text) {}

    /**
     * What the event was, in GitHub's terms: {@code payload} is {@code github.event}; {@code tag} the
     * pushed tag (null for a branch); {@code baseBranch} and {@code type} a patch's target branch
     * and activity (opened, synchronize); {@code before} and {@code base} what the change is
     * compared with; {@code changedFiles} the changed paths where the sender listed them (null:
     * unknown); {@code inputs} a manual run's inputs as given; {@code workflowFile} the one workflow
     * a manual run or a schedule names; {@code cron} the schedule that fired; {@code runId} the id a
     * schedule's tick gives its run (null: a new one), so a tick fired twice is one run.
     */
    public record Event(
            ObjectNode payload,
            String tag,
            String baseBranch,
            String type,
            String before,
            String base,
            List<String> changedFiles,
            ObjectNode inputs,
            String workflowFile,
            String cron,
            String runId) {}

    public TriggerRequest withCommit(String resolved) {
        return new TriggerRequest(
                kind,
                actor,
                trusted,
                requestId,
                patchId,
                statusUrl,
                statusContext,
                nodeId,
                repositoryId,
                repositoryName,
                cloneUrl,
                resolved,
                ref,
                branch,
                inline,
                event);
    }
}
