package dev.forgeci.controller.job;

import java.time.Duration;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.log.LogLimits;
import dev.forgeci.controller.runner.Isolation;

/**
 * The configuration one job execution needs, as plain values (unit tests build it directly).
 * {@code registry}: the registry the runners' inner engines trust without TLS, or null;
 * {@code registryMirrors} their pull-through mirrors; {@code registryAuth} a Docker config.json for trusted jobs, or null.
 */
public record JobSettings(
        String controllerId,
        String image,
        Isolation isolation,
        double cpus,
        long memoryBytes,
        Duration stopGracePeriod,
        Duration defaultTimeout,
        Duration dockerdTimeout,
        Duration stepKillGrace,
        LogLimits log,
        String registry,
        java.util.List<String> registryMirrors,
        java.nio.file.Path registryAuth) {

    public static JobSettings from(ControllerConfig config) {
        ControllerConfig.Runner runner = config.runner();
        for (String mirror : runner.registryMirrors().orElse(java.util.List.of())) {
            // each becomes one --registry-mirror flag of the inner engines' command line
            if (!mirror.matches("https?://[A-Za-z0-9._~:/@%+-]+")) {
                throw new IllegalArgumentException(
                        "forge.runner.registry-mirrors: `" + mirror + "` is not an http(s) URL");
            }
        }
        return new JobSettings(
                config.controller().id(),
                runner.image(),
                Isolation.parse(runner.isolation()),
                runner.cpus(),
                runner.memory().asLongValue(),
                runner.stopGracePeriod(),
                runner.defaultTimeout(),
                runner.dockerdTimeout(),
                runner.stepKillGrace(),
                LogLimits.from(config.log()),
                runner.registry().orElse(null),
                runner.registryMirrors().orElse(java.util.List.of()),
                runner.registryAuth().orElse(null));
    }
}
