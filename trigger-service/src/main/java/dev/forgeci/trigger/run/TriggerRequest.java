package dev.forgeci.trigger.run;

/**
 * One request to start runs, whatever it came from (manual API, webhook, ci-broker), validated.
 * {@code commit} may be null when only {@code ref} is known (it is then resolved at the seed);
 * {@code branch} is the short branch name a push's {@code on.push.branches} are matched against;
 * {@code inline} is the IDE's unsaved workflow, used instead of the repository's files.
 */
public record TriggerRequest(Kind kind, String actor, boolean trusted, String requestId, String patchId, String statusUrl,
        String statusContext, String nodeId, String repositoryId, String repositoryName, String cloneUrl, String commit,
        String ref, String branch, InlineWorkflow inline) {

    public enum Kind {
        PUSH, PATCH, MANUAL;

        /** The word on the wire: push, patch, manual. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record InlineWorkflow(String file, String text) {
    }
}
