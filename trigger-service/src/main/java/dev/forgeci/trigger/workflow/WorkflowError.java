package dev.forgeci.trigger.workflow;

/** One problem in a workflow file, where the user finds it: 1-based line and column. */
public record WorkflowError(String file, int line, int column, String message) {}
