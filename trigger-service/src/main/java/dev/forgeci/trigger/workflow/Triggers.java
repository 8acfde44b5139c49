package dev.forgeci.trigger.workflow;

import java.util.Optional;

/**
 * The events a workflow's {@code on} accepts. {@code push} is null when pushes do not start it. A
 * manual run from the IDE always runs, whatever {@code on} says, so {@code manual} is informational.
 */
public record Triggers(BranchFilter push, boolean patch, boolean manual) {

    /** A workflow without {@code on} (the seed's format) runs on every push, every patch and manually. */
    public static final Triggers DEFAULT = new Triggers(BranchFilter.ANY, true, true);

    /** Why the workflow does not run on a push to this branch, or empty when it does. */
    public Optional<String> rejectsPush(String branch) {
        if (push == null) {
            return Optional.of("its `on` does not include push");
        }
        if (!push.matches(branch)) {
            return Optional.of("its `on.push.branches` " + push.patterns() + " do not match branch `" + branch + "`");
        }
        return Optional.empty();
    }

    /** Why the workflow does not run on a patch, or empty when it does. */
    public Optional<String> rejectsPatch() {
        return patch ? Optional.empty() : Optional.of("its `on` does not include patch");
    }
}
