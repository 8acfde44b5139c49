package dev.forgeci.access;

/** The refusals every public service answers with, the same in each. */
public enum AccessProblem implements ProblemKind {
    UNAUTHORIZED(401, "unauthorized", "Authentication required"),
    FORBIDDEN(403, "forbidden", "Forbidden");

    private final ProblemKind.Definition definition;

    AccessProblem(int status, String slug, String title) {
        this.definition = new ProblemKind.Definition(status, slug, title);
    }

    @Override
    public ProblemKind.Definition definition() {
        return definition;
    }
}
