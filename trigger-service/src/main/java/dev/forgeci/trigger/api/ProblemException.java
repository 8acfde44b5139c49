package dev.forgeci.trigger.api;

import java.util.List;
import java.util.Map;

/** Ends a request with a problem answer; {@code headers} adds e.g. Retry-After or WWW-Authenticate. */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final transient List<?> errors;
    private final transient Map<String, String> headers;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, null, Map.of());
    }

    public ProblemException(ProblemType type, String detail, List<?> errors, Map<String, String> headers) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = errors;
        this.headers = headers;
    }

    public ProblemType type() {
        return type;
    }

    public List<?> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
