package dev.forgeci.trigger.infra;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.config.ForgeConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

/** Which (runId, seq) already had its commit status posted, so a redelivered run-event posts nothing twice. */
@ApplicationScoped
public class CommitStatusLedger {

    private static final String PREFIX = "forge:trigger:commit-status:";

    private final ValueCommands<String, String> values;
    private final ForgeConfig config;

    public CommitStatusLedger(RedisDataSource redis, ForgeConfig config) {
        this.values = redis.value(String.class);
        this.config = config;
    }

    /** True for the first claim of this run event, false for every later one. */
    public boolean claim(String runId, long seq) {
        return values.setAndChanged(
                PREFIX + runId + ":" + seq,
                "posted",
                new SetArgs().nx().ex(config.status().dedupRetention()));
    }
}
