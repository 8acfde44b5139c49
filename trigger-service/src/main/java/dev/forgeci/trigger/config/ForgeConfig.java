package dev.forgeci.trigger.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything operators set for trigger-service, under {@code forge.*} (env: FORGE_…). */
@ConfigMapping(prefix = "forge")
public interface ForgeConfig {

    /** Largest request body accepted (webhooks, triggers, broker requests); larger ones get 413. */
    @WithDefault("1M")
    MemorySize maxBodyBytes();

    Webhook webhook();

    Seed seed();

    Git git();

    Patches patches();

    Status status();

    Broker broker();

    Publish publish();

    Runners runners();

    Schedule schedule();

    Actions actions();

    interface Schedule {
        /**
         * How often the ticker looks for due ticks (and how long after start it first looks). A
         * tick fires at most this late; GitHub documents delays of minutes at busy times.
         */
        @WithDefault("10s")
        Duration tick();

        /**
         * How far back a schedule's missed ticks are still fired (after a restart or an outage);
         * older ones are skipped, and the log and a metric say how many.
         */
        @WithDefault("PT1H")
        Duration catchUp();

        /** At most this many ticks of one schedule are fired in one round. */
        @WithDefault("10")
        int maxTicksPerRound();
    }

    /**
     * Configuration variables, GitHub's {@code vars} context: entries {@code NAME=value} (every
     * repository) or {@code rad:z…/NAME=value} (one repository, which wins), comma-separated
     * (FORGE_VARIABLES; write {@code \,} for a comma in a value).
     */
    Optional<List<String>> variables();

    /** Where the lint looks for the actions a workflow uses: the runner-controllers' mirror and upstreams. */
    interface Actions {
        /** FORGE_ACTIONS_MIRROR: the controllers' mirror of bare repositories, {@code <owner>/<repo>.git}. */
        Optional<java.nio.file.Path> mirror();

        @WithDefault("https://github.com")
        List<String> upstreams();

        /** One look at one source; the lint answers within about this times the number of sources. */
        @WithDefault("5s")
        java.time.Duration lookupTimeout();

        /** Distinct actions looked up per lint; beyond them the lint says it did not look. */
        @WithDefault("20")
        int maxLookups();
    }

    interface Runners {
        /**
         * The {@code runs-on} labels Forge's runners offer; a job asking for any other label is
         * refused at trigger time (GitHub would leave it queued; nothing here could ever run it).
         */
        @WithDefault("ubuntu-latest,ubuntu-24.04,ubuntu-22.04,linux,self-hosted,x64")
        List<String> labels();
    }

    interface Webhook {
        /** The HMAC secret of Radicle webhooks (FORGE_WEBHOOK_SECRET) and of commit statuses posted back. */
        Optional<String> secret();

        /**
         * Per-repository secrets that replace the global one for that repository: entries
         * {@code rad:z…=secret} (FORGE_WEBHOOK_REPOSITORY_SECRETS, comma-separated).
         */
        Optional<List<String>> repositorySecrets();

        /** How long a delivery's first answer is kept to replay it for the same X-Request-UUID. */
        @WithDefault("P7D")
        Duration dedupRetention();
    }

    interface Seed {
        /** The seed (Radicle HTTP gateway) used when a request or webhook names none (FORGE_SEED_DEFAULT_URL). */
        String defaultUrl();

        /**
         * Seeds a request, a webhook's clone_url or its commit_status_url may point at (scheme, host and
         * port must match one); default: the default seed only.
         */
        Optional<List<String>> allowed();
    }

    interface Git {
        /** Upper bound for reading a commit's workflows, all git processes together. */
        @WithDefault("20s")
        Duration timeout();

        /** Upper bound for what one read may store on disk (the fetched snapshot). */
        @WithDefault("100M")
        MemorySize maxBytes();

        /** How far back, in commits, a ref is deepened when the seed refuses to serve a commit by id. */
        @WithDefault("1000")
        int maxDeepen();

        /** At most this many workflow files are read from one commit (both folders together). */
        @WithDefault("40")
        int maxWorkflowFiles();

        /** Pins git's wire protocol version (0, 1 or 2); default: git's own choice. */
        Optional<Integer> protocolVersion();
    }

    interface Patches {
        /**
         * What happens to a patch (or push) from an author who is not a delegate of the repository:
         * its run is untrusted either way (its jobs get no secrets).
         */
        @WithDefault("approve")
        NonDelegatePolicy nonDelegate();

        /** The same, per repository ({@code forge.patches.repository."rad:z…".non-delegate=ignore}), over the default. */
        Map<String, RepositoryPatches> repository();

        interface RepositoryPatches {
            NonDelegatePolicy nonDelegate();
        }

        default NonDelegatePolicy nonDelegateIn(String repositoryId) {
            RepositoryPatches own = repository().get(repositoryId);
            return own != null ? own.nonDelegate() : nonDelegate();
        }
    }

    enum NonDelegatePolicy {
        /** The run waits, status {@code waiting}, until a token that may write the repository approves it. */
        APPROVE,
        /** The run starts at once. */
        RUN_WITHOUT_SECRETS,
        /** No run; the webhook or broker request is acknowledged with the reason. */
        IGNORE
    }

    interface Status {
        /** The target_url of commit statuses; {runId} is replaced. */
        @WithDefault("http://127.0.0.1:8080/#/runs/{runId}")
        String targetUrl();

        /** The link to the viewer's page of a commit's runs, used when one event started several; {commit} is replaced. */
        @WithDefault("http://127.0.0.1:8080/#/commits/{commit}")
        String commitUrl();

        /** Attempts per commit status before giving up (the first included). */
        @WithDefault("6")
        int maxAttempts();

        /** Delay before the first retry; it doubles, with jitter, up to max-backoff. */
        @WithDefault("1s")
        Duration initialBackoff();

        @WithDefault("1m")
        Duration maxBackoff();

        /** Time limit of one POST. */
        @WithDefault("10s")
        Duration requestTimeout();

        /** How long a posted (runId, seq) is remembered, so a redelivered run-event posts nothing twice. */
        @WithDefault("P30D")
        Duration dedupRetention();
    }

    interface Broker {
        /** The longest one wait request is held open before it answers "not finished yet". */
        @WithDefault("30s")
        Duration maxWait();

        /** How long a run's last status is kept for the adapter. */
        @WithDefault("P7D")
        Duration retention();
    }

    interface Publish {
        /** How long a request waits for Kafka to acknowledge its run-requested records before answering 503. */
        @WithDefault("12s")
        Duration ackTimeout();

        /** The Retry-After of a 503, in seconds. */
        @WithDefault("10")
        int retryAfterSeconds();
    }
}
