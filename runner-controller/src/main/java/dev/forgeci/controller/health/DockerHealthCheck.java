package dev.forgeci.controller.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.job.EngineWatch;

/** Ready only while the Docker engine answers (the verdict that also gates taking jobs): without it no job can run. */
@Readiness
@ApplicationScoped
public class DockerHealthCheck implements HealthCheck {

    private final EngineWatch engine;
    private final String host;

    public DockerHealthCheck(EngineWatch engine, ControllerConfig config) {
        this.engine = engine;
        this.host = config.docker().host();
    }

    @Override
    public HealthCheckResponse call() {
        EngineWatch.Verdict verdict = engine.verdict();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Docker engine")
                .status(verdict.answering())
                .withData("host", host)
                .withData("since", verdict.since().toString());
        if (verdict.error() != null) {
            response.withData("error", verdict.error());
        }
        return response.build();
    }
}
