package dev.forgeci.trigger.workflow;

/** A resolved concurrency group: a plain string the scheduler compares, no expressions left. */
public record Concurrency(String group, boolean cancelInProgress) {}
