package dev.forgeci.access;

import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem: the body of every error a Forge service answers with
 * ({@code application/problem+json}), never a stack trace or an HTML page. {@code errors} lists
 * workflow errors ({@code file, line, column, message}) or invalid fields ({@code field, message}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<?> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemKind kind, String detail, String instance) {
        return new Problem(kind.uri(), kind.title(), kind.status(), detail, instance, null);
    }

    /** A problem HTTP itself names (405, 406, 415 …): its reason phrase is the title, and makes the slug. */
    public static Problem ofStatus(int status, String detail, String instance) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? (status < 500 ? "Client error" : "Server error") : known.getReasonPhrase();
        return new Problem(
                "urn:forge-ci:problem:" + title.toLowerCase(Locale.ROOT).replace(' ', '-'),
                title,
                status,
                detail,
                instance,
                null);
    }

    public Response response() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
