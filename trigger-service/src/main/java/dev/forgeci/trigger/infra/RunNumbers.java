package dev.forgeci.trigger.infra;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.run.TriggerRejected;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ValueCommands;

/** {@code github.run_number}: one counter per repository and workflow file, counting from 1, in Redis so every replica shares it. */
@ApplicationScoped
public class RunNumbers {

    private static final String PREFIX = "forge:trigger:run-number:";

    private final ValueCommands<String, Long> counters;

    public RunNumbers(RedisDataSource redis) {
        this.counters = redis.value(Long.class);
    }

    public long next(String repositoryId, String workflowFile) {
        try {
            return counters.incr(PREFIX + repositoryId + ":" + workflowFile);
        } catch (RuntimeException e) {
            throw new TriggerRejected(
                    TriggerRejected.Reason.STORE_UNAVAILABLE,
                    "runs cannot be numbered right now (Redis is unavailable), so nothing was started; try again later");
        }
    }
}
