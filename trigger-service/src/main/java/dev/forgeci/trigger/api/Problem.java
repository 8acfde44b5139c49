package dev.forgeci.trigger.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem: what every error of this service looks like
 * ({@code application/problem+json}). {@code errors} lists workflow errors
 * ({@code file, line, column, message}) or invalid fields ({@code field, message}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<?> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
