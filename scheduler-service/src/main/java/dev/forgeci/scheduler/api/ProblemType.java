package dev.forgeci.scheduler.api;

import dev.forgeci.access.ProblemKind;

/** The kinds of problem the runs API answers with, besides the refusals of {@link dev.forgeci.access.AccessProblem}. */
public enum ProblemType implements ProblemKind {
    BAD_REQUEST(400, "bad-request", "Bad request"),
    RUN_NOT_FOUND(404, "run-not-found", "Run not found"),
    RUN_CONFLICT(409, "run-conflict", "The run is not in a state for this"),
    UNAVAILABLE(503, "unavailable", "Service unavailable"),
    INTERNAL(500, "internal", "Internal error");

    private final ProblemKind.Definition definition;

    ProblemType(int status, String slug, String title) {
        this.definition = new ProblemKind.Definition(status, slug, title);
    }

    @Override
    public ProblemKind.Definition definition() {
        return definition;
    }
}
