package dev.forgeci.controller.runner;

/** How a runner container ended. */
public record RunnerExit(int exitCode, boolean oomKilled) {}
