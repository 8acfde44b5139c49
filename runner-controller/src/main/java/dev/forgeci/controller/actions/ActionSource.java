package dev.forgeci.controller.actions;

import dev.forgeci.language.action.ActionReference;

/**
 * Where the actions a job uses come from: a repository's tree at the commit a ref names, on this
 * controller's disk. Implementations cache by commit, so a job start does not fetch again what an
 * earlier job fetched; a ref that can move (a tag, a branch) is resolved again each time.
 */
public interface ActionSource {

    /** The action's repository at the commit its ref names; throws with the sources tried when none has it. */
    FetchedAction fetch(ActionReference.Remote action);
}
