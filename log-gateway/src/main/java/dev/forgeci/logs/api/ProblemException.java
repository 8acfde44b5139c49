package dev.forgeci.logs.api;

/** Ends a request with a problem+json answer. */
public class ProblemException extends RuntimeException {

    private final String slug;
    private final String title;
    private final int status;

    public ProblemException(int status, String slug, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public Problem toProblem(String instance) {
        return Problem.of(slug, title, status, getMessage(), instance);
    }

    public int status() {
        return status;
    }
}
