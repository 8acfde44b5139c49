package dev.forgeci.controller.runner;

/** A created runner: its container and the volume that holds its inner Docker's data. */
public record Runner(String containerId, String volume) {}
