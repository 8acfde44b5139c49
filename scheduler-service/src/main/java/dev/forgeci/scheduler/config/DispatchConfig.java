package dev.forgeci.scheduler.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** {@code forge.dispatch}: what the scheduler and the runner-controllers share about job-dispatched. */
@ConfigMapping(prefix = "forge.dispatch")
public interface DispatchConfig {

    /**
     * FORGE_DISPATCH_KEY: the HMAC key every job-dispatched is signed with (at least 32 characters),
     * which only the scheduler and the controllers hold; a controller with the key runs nothing
     * unsigned. Unset: records go unsigned (a development stack).
     */
    Optional<String> key();
}
