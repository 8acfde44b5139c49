package dev.forgeci.controller.job;

import java.time.Duration;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.log.LogLimits;
import dev.forgeci.controller.runner.Isolation;

/**
 * The configuration one job execution needs, as plain values (unit tests build it directly).
 * {@code registry}: the registry the runners' inner engines trust without TLS, or null.
 */
public record JobSettings(String controllerId, String image, Isolation isolation, double cpus, long memoryBytes,
        Duration stopGracePeriod, Duration defaultTimeout, Duration dockerdTimeout, Duration stepKillGrace, LogLimits log, String registry) {

    public static JobSettings from(ControllerConfig config) {
        ControllerConfig.Runner runner = config.runner();
        return new JobSettings(config.controller().id(), runner.image(), Isolation.parse(runner.isolation()), runner.cpus(),
                runner.memory().asLongValue(), runner.stopGracePeriod(), runner.defaultTimeout(), runner.dockerdTimeout(),
                runner.stepKillGrace(), LogLimits.from(config.log()), runner.registry().orElse(null));
    }
}
