package dev.forgeci.logs.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where the browser viewer's writes go when no Ingress routes them (see ViewerProxy). */
@ConfigMapping(prefix = "forge.viewer")
public interface ViewerConfig {

    /** Where the scheduler's {@code /api/runs} lives, for the viewer's Cancel (proxied when set). */
    Optional<String> runsUrl();

    /** Where the trigger-service's {@code /api/triggers} lives, for the viewer's Run form (proxied when set). */
    Optional<String> triggersUrl();
}
