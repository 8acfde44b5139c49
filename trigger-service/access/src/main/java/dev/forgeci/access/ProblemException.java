package dev.forgeci.access;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

/** Ends a request with a problem answer; {@code headers} adds e.g. Retry-After or WWW-Authenticate. */
public class ProblemException extends RuntimeException {

    private final ProblemKind kind;
    private final transient List<?> errors;
    private final transient Map<String, String> headers;

    public ProblemException(ProblemKind kind, String detail) {
        this(kind, detail, null, Map.of());
    }

    public ProblemException(ProblemKind kind, String detail, List<?> errors, Map<String, String> headers) {
        super(detail, null, false, false);
        this.kind = kind;
        this.errors = errors;
        this.headers = headers;
    }

    public ProblemKind kind() {
        return kind;
    }

    public Problem problem(String instance) {
        return new Problem(kind.uri(), kind.title(), kind.status(), getMessage(), instance, errors);
    }

    public Response response(String instance) {
        Response.ResponseBuilder response =
                Response.status(kind.status()).type(Problem.MEDIA_TYPE).entity(problem(instance));
        headers.forEach(response::header);
        return response.build();
    }
}
