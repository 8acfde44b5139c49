package dev.forgeci.trigger.workflow;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The events a workflow's {@code on} accepts, as GitHub defines them, with Radicle mapped onto them:
 * a push is {@code push}, a patch is {@code pull_request} (Forge's {@code patch} is the same without
 * filters), a manual run is {@code workflow_dispatch} (Forge's {@code manual}; the IDE's Run always
 * runs, whatever {@code on} says), a schedule {@code schedule}. {@code push} and
 * {@code pullRequest} are null when those events do not start the workflow.
 */
public record Triggers(
        PushFilter push,
        PullRequestFilter pullRequest,
        List<DispatchInput> inputs,
        boolean dispatch,
        List<Cron> schedules) {

    /** A workflow without {@code on} in {@code .forge/workflows} (the seed's format) runs on every push, every patch and manually. */
    public static final Triggers DEFAULT =
            new Triggers(PushFilter.ANY, PullRequestFilter.ANY, List.of(), true, List.of());

    /** {@code on.push}: branch and tag patterns (or their ignore forms) and path patterns. */
    public record PushFilter(
            PatternFilter branches,
            PatternFilter branchesIgnore,
            PatternFilter tags,
            PatternFilter tagsIgnore,
            PatternFilter paths,
            PatternFilter pathsIgnore) {

        public static final PushFilter ANY = new PushFilter(
                PatternFilter.ANY,
                PatternFilter.ANY,
                PatternFilter.ANY,
                PatternFilter.ANY,
                PatternFilter.ANY,
                PatternFilter.ANY);

        boolean filtersBranches() {
            return !branches.isEmpty() || !branchesIgnore.isEmpty();
        }

        boolean filtersTags() {
            return !tags.isEmpty() || !tagsIgnore.isEmpty();
        }
    }

    /** {@code on.pull_request}: target branch patterns, path patterns and activity types. */
    public record PullRequestFilter(
            PatternFilter branches,
            PatternFilter branchesIgnore,
            PatternFilter paths,
            PatternFilter pathsIgnore,
            Set<String> types) {

        /** GitHub's default activity types. */
        public static final Set<String> DEFAULT_TYPES = Set.of("opened", "synchronize", "reopened");

        public static final PullRequestFilter ANY = new PullRequestFilter(
                PatternFilter.ANY, PatternFilter.ANY, PatternFilter.ANY, PatternFilter.ANY, DEFAULT_TYPES);
    }

    /**
     * Why the workflow does not run on this push, or empty when it does. As on GitHub: a workflow that
     * filters only branches does not run for tags (and the other way round); path filters look at
     * the files the push changed, and are not evaluated for tags; {@code changedFiles} null means
     * they could not be known, which lets the push through.
     */
    public Optional<String> rejectsPush(String branch, String tag, List<String> changedFiles) {
        if (push == null) {
            return Optional.of("its `on` does not include push");
        }
        if (tag != null) {
            if (push.filtersBranches() && !push.filtersTags()) {
                return Optional.of("it filters branches only, so it does not run for tag `" + tag + "`");
            }
            if (!push.tags().matches(tag) || push.tagsIgnore().excludes(tag)) {
                return Optional.of("its tag filters do not match tag `" + tag + "`");
            }
            return Optional.empty();
        }
        if (push.filtersTags() && !push.filtersBranches()) {
            return Optional.of("it filters tags only, so it does not run for branch `" + branch + "`");
        }
        Optional<String> branches =
                branches(push.branches(), push.branchesIgnore(), "on.push", branch, "branch `" + branch + "`");
        if (branches.isPresent()) {
            return branches;
        }
        return paths(push.paths(), push.pathsIgnore(), changedFiles);
    }

    /** Why the workflow does not run on this patch (a pull request onto {@code target}), or empty when it does. */
    public Optional<String> rejectsPatch(String target, String type, List<String> changedFiles) {
        if (pullRequest == null) {
            return Optional.of("its `on` does not include pull_request (or patch)");
        }
        if (type != null && !pullRequest.types().contains(type)) {
            return Optional.of("it runs on pull requests that are "
                    + String.join(", ", pullRequest.types().stream().sorted().toList()) + ", and this patch was "
                    + type);
        }
        if (target != null) {
            Optional<String> branches = branches(
                    pullRequest.branches(),
                    pullRequest.branchesIgnore(),
                    "on.pull_request",
                    target,
                    "the patch's target `" + target + "`");
            if (branches.isPresent()) {
                return branches;
            }
        }
        return paths(pullRequest.paths(), pullRequest.pathsIgnore(), changedFiles);
    }

    /** GitHub looks at the first 300 changed files. */
    static final int MAX_CHANGED_FILES = 300;

    private static Optional<String> paths(PatternFilter paths, PatternFilter ignore, List<String> changed) {
        if (changed == null || paths.isEmpty() && ignore.isEmpty()) {
            return Optional.empty();
        }
        List<String> considered = changed.size() > MAX_CHANGED_FILES ? changed.subList(0, MAX_CHANGED_FILES) : changed;
        if (!paths.isEmpty() && considered.stream().noneMatch(paths::matches)) {
            return Optional.of(
                    "none of the " + considered.size() + " changed files matches its `paths` " + paths.patterns());
        }
        if (!ignore.isEmpty() && !considered.isEmpty() && considered.stream().allMatch(ignore::excludes)) {
            return Optional.of("every changed file matches its `paths-ignore` " + ignore.patterns());
        }
        return Optional.empty();
    }

    private static Optional<String> branches(
            PatternFilter include, PatternFilter ignore, String where, String branch, String what) {
        if (!include.matches(branch)) {
            return Optional.of("its `" + where + ".branches` " + include.patterns() + " do not match " + what);
        }
        if (ignore.excludes(branch)) {
            return Optional.of("its `" + where + ".branches-ignore` " + ignore.patterns() + " match " + what);
        }
        return Optional.empty();
    }
}
