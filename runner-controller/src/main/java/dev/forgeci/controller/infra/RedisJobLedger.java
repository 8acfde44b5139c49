package dev.forgeci.controller.infra;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.job.JobLedger;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

/** The ledger in Redis, shared by every controller: {@code SET NX} takes an attempt, keys expire on their own. */
@ApplicationScoped
public class RedisJobLedger implements JobLedger {

    private static final String TAKEN = "forge:controller:taken:";
    private static final String CANCELLED = "forge:controller:cancelled:";

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;

    public RedisJobLedger(ReactiveRedisDataSource redis) {
        this.redis = redis;
        this.values = redis.value(String.class);
    }

    @Override
    public Uni<Boolean> take(JobKey job, String controllerId, Duration remember) {
        return redis.execute("SET", TAKEN + id(job), controllerId, "NX", "PX", String.valueOf(remember.toMillis()))
                .map(response -> response != null && "OK".equals(response.toString()));
    }

    @Override
    public Uni<Void> rememberCancel(JobKey job, String reason, Duration remember) {
        return values.set(CANCELLED + id(job), reason, new SetArgs().px(remember));
    }

    @Override
    public Uni<String> cancelReason(JobKey job) {
        return values.get(CANCELLED + id(job));
    }

    private static String id(JobKey job) {
        return job.runId() + ":" + job.jobId() + ":" + job.attempt();
    }
}
