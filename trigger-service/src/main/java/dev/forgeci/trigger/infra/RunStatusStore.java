package dev.forgeci.trigger.infra;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.events.RunStatus;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import io.smallrye.mutiny.Uni;

/**
 * The last status of each run, as run-events reported it, and the runs one ci-broker request
 * started: a Redis view (rebuilt from run-events) that lets any replica answer the adapter's wait.
 */
@ApplicationScoped
public class RunStatusStore {

    private static final String STATUS = "forge:trigger:run-status:";
    private static final String GROUP = "forge:trigger:run-group:";

    private final ValueCommands<String, String> values;
    private final ReactiveValueCommands<String, String> reactiveValues;
    private final ForgeConfig config;

    public RunStatusStore(RedisDataSource redis, ReactiveRedisDataSource reactiveRedis, ForgeConfig config) {
        this.values = redis.value(String.class);
        this.reactiveValues = reactiveRedis.value(String.class);
        this.config = config;
    }

    /** Records a run's status; a terminal status is final (a re-run is a new run id). */
    public void record(String runId, RunStatus status) {
        RunStatus current = RunStatus.of(values.get(STATUS + runId));
        if (current == null || !current.terminal()) {
            values.set(
                    STATUS + runId,
                    status.word(),
                    new SetArgs().ex(config.broker().retention()));
        }
    }

    /** The known statuses of these runs (absent ones are missing from the map). */
    public Uni<Map<String, RunStatus>> statuses(List<String> runIds) {
        return reactiveValues
                .mget(runIds.stream().map(id -> STATUS + id).toArray(String[]::new))
                .map(found -> runIds.stream()
                        .filter(id -> found.get(STATUS + id) != null)
                        .collect(java.util.stream.Collectors.toMap(
                                id -> id, id -> RunStatus.of(found.get(STATUS + id)))));
    }

    /** Remembers that these runs answer one request, under the first one's id. */
    public void group(List<String> runIds) {
        values.set(
                GROUP + runIds.get(0),
                String.join(",", runIds),
                new SetArgs().ex(config.broker().retention()));
    }

    /** The runs of the group led by {@code runId}, or just that run. */
    public Uni<List<String>> members(String runId) {
        return reactiveValues
                .get(GROUP + runId)
                .map(group -> group == null ? List.of(runId) : Arrays.asList(group.split(",")));
    }
}
