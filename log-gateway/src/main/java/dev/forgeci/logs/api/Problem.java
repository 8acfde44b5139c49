package dev.forgeci.logs.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem, the body of every error this service answers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(String slug, String title, int status, String detail, String instance) {
        return new Problem("urn:forge-ci:problem:" + slug, title, status, detail, instance);
    }
}
