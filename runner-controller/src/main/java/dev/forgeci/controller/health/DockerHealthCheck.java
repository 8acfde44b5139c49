package dev.forgeci.controller.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.infra.DockerRunnerEngine;

/** Ready only while the Docker engine answers: without it no job can run. */
@Readiness
@ApplicationScoped
public class DockerHealthCheck implements HealthCheck {

    private final DockerRunnerEngine engine;
    private final String host;

    public DockerHealthCheck(DockerRunnerEngine engine, ControllerConfig config) {
        this.engine = engine;
        this.host = config.docker().host();
    }

    @Override
    public HealthCheckResponse call() {
        try {
            engine.ping();
            return HealthCheckResponse.named("Docker engine")
                    .up()
                    .withData("host", host)
                    .build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("Docker engine")
                    .down()
                    .withData("host", host)
                    .withData("error", e.getMessage())
                    .build();
        }
    }
}
