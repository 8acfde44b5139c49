package dev.forgeci.controller.runner;

import java.time.Instant;

import dev.forgeci.controller.events.JobKey;

/**
 * A container or a volume that carries a controller's labels. {@code containerId} is null for a
 * volume whose container is already gone; {@code job} is null when the labels do not name one.
 */
public record OwnedRunner(String containerId, String volume, JobKey job, Instant createdAt) {}
