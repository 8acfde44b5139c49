package dev.forgeci.trigger.workflow;

import dev.forgeci.language.action.ActionReference;

/**
 * Where the compiler reads the workflows that jobs call ({@code jobs.<id>.uses}): a file of the
 * same commit ({@code ./.github/workflows/x.yml}) or of another repository
 * ({@code owner/repo/.github/workflows/x.yml@ref}, from the action sources). The lint, which has
 * no commit, may not know; a run always does.
 */
@FunctionalInterface
public interface CalledWorkflows {

    /** What a look for one called workflow found. */
    sealed interface Lookup {}

    /** The file's text; {@code file} is how diagnostics name it. */
    record Found(String file, String text) implements Lookup {}

    /** The workflow cannot be had: the job's reason to fail. */
    record Missing(String reason) implements Lookup {}

    /** Not looked for (the lint has no commit): the call is checked as far as it goes without the file. */
    record Unchecked(String reason) implements Lookup {}

    Lookup find(ActionReference reference);

    /** For the lint of a text alone. */
    CalledWorkflows UNCHECKED = reference -> new Unchecked("the called workflow " + reference.display()
            + " is not checked here: the lint reads only the file it is given");
}
