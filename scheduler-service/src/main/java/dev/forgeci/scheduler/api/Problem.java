package dev.forgeci.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem detail: what went wrong, in a sentence, never a stack trace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(int status, String kind, String title, String detail, String instance) {
        return new Problem("urn:forge-ci:problem:" + kind, title, status, detail, instance);
    }
}
