package dev.forgeci.scheduler.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "forge.scheduler")
public interface SchedulerConfig {

    /** Jobs dispatched and not yet finished, over all repositories (the seed ran five at a time). */
    @WithDefault("5")
    int globalLimit();

    /** Jobs dispatched and not yet finished for one repository. */
    @WithDefault("5")
    int repositoryLimit();

    Priorities priority();

    /** A job dispatched but not started within this bound is dispatched again once, then ends `error`. */
    @WithDefault("PT2M")
    Duration dispatchTimeout();

    /** A started job that no heartbeat or event mentions for this long has lost its runner. */
    @WithDefault("PT30S")
    Duration heartbeatTimeout();

    /** Added to a job's own timeout before the scheduler ends it without the controller's word. */
    @WithDefault("PT5M")
    Duration jobTimeoutGrace();

    /** For jobs that do not say (GitHub Actions' default). */
    @WithDefault("360")
    double defaultJobTimeoutMinutes();

    /** How often the watchdogs look. */
    @WithDefault("PT1S")
    Duration watchdogInterval();

    /** How long a finished run stays queryable in Redis (Kafka's retention is 30 days too). */
    @WithDefault("P30D")
    Duration retention();

    /** Prefix of every Redis key the scheduler owns. */
    @WithDefault("forge:scheduler:")
    String redisPrefix();

    /**
     * Serve only repositories whose id matches this regular expression: splits repositories between
     * scheduler instances, and keeps tests on a shared broker apart. Runs of other repositories are ignored.
     */
    Optional<String> repositoryFilter();

    /** How long an API call waits for the scheduler to apply it before answering 503. */
    @WithDefault("PT10S")
    Duration apiTimeout();

    Rebuild rebuild();

    /** When Redis has no scheduler state (lost, or a new installation), it is rebuilt from the topics. */
    interface Rebuild {
        @WithDefault("true")
        boolean enabled();

        /** How far back to read: the topics' retention. */
        @WithDefault("P30D")
        Duration window();
    }

    /** Higher runs first; first-in-first-out within one priority. */
    interface Priorities {
        @WithDefault("30")
        int manual();

        @WithDefault("30")
        int rerun();

        @WithDefault("20")
        int push();

        @WithDefault("10")
        int patch();

        /** Trigger kinds this version does not know. */
        @WithDefault("0")
        int other();
    }
}
