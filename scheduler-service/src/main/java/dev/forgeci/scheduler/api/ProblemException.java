package dev.forgeci.scheduler.api;

/** Ends a request with a problem+json answer. */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final String kind;
    private final String title;

    public ProblemException(int status, String kind, String title, String detail) {
        super(detail);
        this.status = status;
        this.kind = kind;
        this.title = title;
    }

    static ProblemException badRequest(String detail) {
        return new ProblemException(400, "bad-request", "Bad request", detail);
    }

    Problem problem(String instance) {
        return Problem.of(status, kind, title, getMessage(), instance);
    }
}
