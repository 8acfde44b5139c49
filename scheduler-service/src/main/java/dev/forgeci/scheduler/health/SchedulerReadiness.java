package dev.forgeci.scheduler.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.forgeci.scheduler.runs.SchedulerEngine;

/** Ready once the active runs are loaded from Redis; before that a decision could ignore running jobs. */
@Readiness
@ApplicationScoped
public class SchedulerReadiness implements HealthCheck {

    private final SchedulerEngine engine;

    public SchedulerReadiness(SchedulerEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Scheduler state")
                .status(engine.restored())
                .build();
    }
}
