package dev.forgeci.trigger.workflow;

import java.util.List;

/**
 * One of {@code on.workflow_dispatch.inputs}: its type ({@code string}, {@code boolean},
 * {@code choice}, {@code number} or {@code environment}), whether it is required, its default and,
 * for a choice, its options.
 */
public record DispatchInput(
        String name, String description, String type, boolean required, String defaultValue, List<String> options) {

    public static final List<String> TYPES = List.of("string", "boolean", "choice", "number", "environment");
}
