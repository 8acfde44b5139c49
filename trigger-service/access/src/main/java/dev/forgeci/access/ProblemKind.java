package dev.forgeci.access;

/**
 * One kind of problem a service answers with. Each service lists its own in a {@code ProblemType}
 * enum; the kinds every public service shares (refusals) are {@link AccessProblem}.
 */
public interface ProblemKind {

    /** What a kind is: its HTTP status, the last part of its {@code type} and its title. */
    record Definition(int status, String slug, String title) {}

    Definition definition();

    default int status() {
        return definition().status();
    }

    default String title() {
        return definition().title();
    }

    /** The problem's {@code type}. */
    default String uri() {
        return "urn:forge-ci:problem:" + definition().slug();
    }
}
