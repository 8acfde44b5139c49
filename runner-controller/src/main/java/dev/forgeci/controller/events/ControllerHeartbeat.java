package dev.forgeci.controller.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Published every few seconds: the scheduler tells a dead controller from a slow job by it; {@code pool} is trusted or untrusted. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ControllerHeartbeat(
        String controllerId, String pool, Instant at, int capacity, List<JobKey> running, Instant startedAt) {}
