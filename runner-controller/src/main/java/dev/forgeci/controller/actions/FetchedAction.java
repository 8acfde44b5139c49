package dev.forgeci.controller.actions;

import java.nio.file.Path;

import dev.forgeci.language.action.ActionReference;

/** An action's repository at {@code sha}, its files under {@code tree} (read-only: shared by every job that uses it). */
public record FetchedAction(ActionReference.Remote action, String sha, Path tree) {

    /** The action's own directory: {@code path} of {@code owner/repo/path@ref} in the tree. */
    public Path directory() {
        return action.path().isEmpty() ? tree : tree.resolve(action.path());
    }
}
