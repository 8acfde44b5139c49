package dev.forgeci.logs.api;

import dev.forgeci.access.ProblemKind;

/** The kinds of problem the logs API and the viewer answer with, besides the refusals of {@link dev.forgeci.access.AccessProblem}. */
public enum ProblemType implements ProblemKind {
    UNKNOWN_RUN(404, "unknown-run", "Unknown run"),
    UPSTREAM(502, "upstream", "Bad Gateway"),
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
