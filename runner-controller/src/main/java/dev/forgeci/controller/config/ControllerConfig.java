package dev.forgeci.controller.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything the runner-controller reads from configuration ({@code forge.*}). */
@ConfigMapping(prefix = "forge")
public interface ControllerConfig {

    Controller controller();

    Runner runner();

    Log log();

    Docker docker();

    Secrets secrets();

    Actions actions();

    Dispatch dispatch();

    interface Dispatch {

        /**
         * FORGE_DISPATCH_KEY: the scheduler's HMAC key (at least 32 characters). Set, a
         * job-dispatched without the scheduler's signature is refused (to dead-letters) and nothing
         * of it runs; unset, records are not checked (a development stack).
         */
        Optional<String> key();

        /**
         * The job-dispatched topic of each pool ({@code forge.dispatch.topic.trusted},
         * {@code .untrusted}); the consumer's channel reads the one of {@code forge.controller.pool}.
         * Stated in application.properties, which the channel's topic expression reads.
         */
        Map<String, String> topic();
    }

    interface Controller {

        /** FORGE_CONTROLLER_ID; labels every container and volume. Defaults to the host name. */
        String id();

        /**
         * FORGE_CONTROLLER_POOL: {@code trusted} or {@code untrusted}, the runs this controller serves.
         * It reads that pool's job-dispatched topic ({@code forge.dispatch.topic.<pool>} in
         * application.properties, hence the default there too) and refuses a job of the other trust.
         */
        String pool();

        /** Jobs run at once; beyond that the controller takes no more work. */
        @WithDefault("5")
        int capacity();

        /** Also read by the heartbeat's schedule, so its default lives in application.properties. */
        Duration heartbeatInterval();

        /** How long a cancel for a job that no controller has taken yet is remembered. */
        @WithDefault("24h")
        Duration cancelMemory();

        /** How long "this attempt was taken" is remembered, so a redelivered dispatch never runs twice. */
        @WithDefault("30d")
        Duration takenMemory();

        /**
         * Only dispatches whose repository id matches are taken; others are left for other controllers.
         * Meant for controllers with a consumer group of their own (tests, staging) on a shared broker.
         */
        Optional<String> repositoryPattern();
    }

    interface Runner {

        /** FORGE_RUNNER_IMAGE */
        @WithDefault("forge-runner:local")
        String image();

        /** FORGE_RUNNER_ISOLATION: privileged, sysbox or capabilities. */
        @WithDefault("privileged")
        String isolation();

        /**
         * FORGE_RUNNER_UNSAFE_UNTRUSTED_ISOLATION: lets an untrusted pool start with an isolation other
         * than sysbox (on a host without it, such as a laptop), logged as a warning at every start.
         * Without it such a pool refuses to start.
         */
        @WithDefault("false")
        boolean unsafeUntrustedIsolation();

        /** Capabilities dropped by the {@code capabilities} profile (all others are granted). */
        @WithDefault("SYS_RESOURCE")
        List<String> capDrop();

        @WithDefault("1")
        double cpus();

        @WithDefault("512M")
        MemorySize memory();

        @WithDefault("4096")
        long pidsLimit();

        /** Between SIGTERM and SIGKILL when a job is cancelled or times out. */
        @WithDefault("10s")
        Duration stopGracePeriod();

        /** A job without {@code timeoutMinutes}. */
        @WithDefault("360m")
        Duration defaultTimeout();

        /** How long the agent waits for the inner Docker engine before the first step. */
        @WithDefault("30s")
        Duration dockerdTimeout();

        /** Between SIGTERM and SIGKILL when a single step exceeds its timeout. */
        @WithDefault("5s")
        Duration stepKillGrace();

        /**
         * FORGE_RUNNER_REGISTRY: {@code host:port} of a registry without TLS that the runners' inner
         * engines trust (the local stack's); images from anywhere else need TLS.
         */
        Optional<String> registry();

        /** FORGE_RUNNER_REGISTRY_MIRRORS: pull-through mirrors of Docker Hub for the inner engines ({@code https://…}). */
        Optional<List<String>> registryMirrors();

        /**
         * FORGE_RUNNER_REGISTRY_AUTH: a Docker {@code config.json} with registry credentials, given to
         * trusted jobs only (as {@code ~/.docker/config.json} in the runner); its secrets are masked.
         */
        Optional<Path> registryAuth();

        /** The runner container's log driver; the controller reads the attached streams, not the driver. */
        @WithDefault("none")
        String logDriver();
    }

    interface Log {

        /** A longer line is cut into pieces of this size. */
        @WithDefault("64K")
        MemorySize maxLineBytes();

        /** A job's total log; beyond it a notice is published and further output dropped. */
        @WithDefault("64M")
        MemorySize maxJobBytes();

        /** A chunk is published when its lines reach this size... */
        @WithDefault("64K")
        MemorySize batchBytes();

        /** ...or this long after the previous chunk, whichever comes first. */
        @WithDefault("50ms")
        Duration batchInterval();

        /** Chunks published but not yet acknowledged; beyond it the runner's output waits (back-pressure). */
        @WithDefault("16")
        int maxUnacknowledgedChunks();
    }

    interface Docker {

        @WithDefault("unix:///var/run/docker.sock")
        String host();

        /**
         * The longest a call to the engine may take (a stop: this plus its grace period), but for
         * what a job holds open while it runs (its attached output, its wait, a pull): a stuck
         * engine fails the call instead of holding a slot for good.
         */
        @WithDefault("60s")
        Duration callTimeout();

        /**
         * How often the engine is asked whether it answers; no job is taken while it does not. Also
         * read by the ping's schedule, so its default lives in application.properties.
         */
        Duration pingInterval();

        /** How often the removal of a runner that failed (the engine was down) is tried again; ditto. */
        Duration removalRetryInterval();
    }

    interface Secrets {

        /** {@code <dir>/<rid without rad:>/<NAME>} overrides {@code <dir>/_global/<NAME>}. */
        @WithDefault("/etc/forge/secrets")
        Path dir();
    }

    /** Where the actions of {@code uses: owner/repo@ref} come from, and where they are kept. */
    interface Actions {

        /**
         * FORGE_ACTIONS_MIRROR: bare repositories at {@code <mirror>/<owner>/<repo>.git}, tried first;
         * operators vendor actions there for hosts that reach no upstream.
         */
        Optional<Path> mirror();

        /**
         * Tried in order after the mirror, as {@code <upstream>/<owner>/<repo>}, or with
         * {@code {owner}} and {@code {repo}} filled in where an upstream has them (a Radicle seed:
         * {@code https://<seed>/{repo}.git}, and {@code uses: <any owner>/<rid without rad:>@ref}).
         */
        @WithDefault("https://github.com")
        List<String> upstreams();

        /** Fetched actions, by commit; this controller's own. Defaults to forge-actions in the temporary directory. */
        Optional<Path> cache();

        /** One git command against one source; a source that does not answer in time is skipped. */
        @WithDefault("2m")
        Duration fetchTimeout();

        /** An action's files, in all; a larger repository is refused. */
        @WithDefault("64M")
        MemorySize maxBytes();
    }
}
