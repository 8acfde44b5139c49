package dev.forgeci.scheduler.infra;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.scheduler.config.SchedulerConfig;
import dev.forgeci.scheduler.events.OutboxMessage;
import dev.forgeci.scheduler.runs.Changes;
import dev.forgeci.scheduler.runs.Run;
import dev.forgeci.scheduler.runs.RunHistory;
import dev.forgeci.scheduler.runs.RunStatus;
import io.quarkus.logging.Log;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * The scheduler's state in Redis. Keys (under the configured prefix):
 * <ul>
 * <li>{@code run:<runId>} the run document (jobs, steps, timings), JSON;</li>
 * <li>{@code request:<runId>} the run-requested record as it arrived (jobs to dispatch, re-runs);</li>
 * <li>{@code active} the ids of runs that have not ended;</li>
 * <li>{@code outbox} records to publish, in order, written with the change that caused them;</li>
 * <li>{@code index:all}, {@code index:repo:<id>}, {@code index:status:<status>},
 * {@code index:repo:<id>:status:<status>} sorted sets scored by request time, for the list API;</li>
 * <li>{@code repos} every repository id seen, for trimming the indexes;</li>
 * <li>{@code initialized} set once the state exists; without it the state is rebuilt from Kafka.</li>
 * </ul>
 * A batch of changes is written as one MULTI/EXEC, sent in one round trip.
 */
@ApplicationScoped
public class RunStore implements RunHistory {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int CHUNK = 500;

    private final Redis redis;
    private final ObjectMapper json;
    private final SchedulerConfig config;
    private final String prefix;

    public RunStore(Redis redis, ObjectMapper json, SchedulerConfig config) {
        this.redis = redis;
        this.json = json;
        this.config = config;
        this.prefix = config.redisPrefix();
    }

    /** The active runs and, by run id, the request each came from (its jobs and contexts). */
    public record ActiveState(List<Run> runs, Map<String, JsonNode> requests) {}

    public record Page(List<Run> runs, long total) {}

    /** Every active run with the request it came from. */
    public ActiveState loadActive() {
        List<String> ids = new ArrayList<>();
        send(Request.cmd(Command.SMEMBERS).arg(key("active"))).forEach(id -> ids.add(id.toString()));
        List<Run> runs = new ArrayList<>();
        Map<String, JsonNode> byRun = new HashMap<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            List<String> docs = mget(chunk.stream().map(id -> key("run:" + id)).toList());
            List<String> requests =
                    mget(chunk.stream().map(id -> key("request:" + id)).toList());
            for (int i = 0; i < chunk.size(); i++) {
                if (docs.get(i) == null || requests.get(i) == null) {
                    // Cannot happen with MULTI/EXEC; a hand-edited Redis is told about rather than fatal.
                    Log.warnf("run %s: listed as active but its document is missing; dropped", chunk.get(i));
                    send(Request.cmd(Command.SREM).arg(key("active")).arg(chunk.get(i)));
                    continue;
                }
                runs.add(read(docs.get(i)));
                byRun.put(chunk.get(i), readTree(requests.get(i)));
            }
        }
        return new ActiveState(runs, byRun);
    }

    /** Whether this Redis holds the scheduler's state, rather than being new or having lost it. */
    public boolean initialized() {
        return send(Request.cmd(Command.EXISTS).arg(key("initialized"))).toInteger() > 0;
    }

    public void markInitialized(Instant at) {
        send(Request.cmd(Command.SET).arg(key("initialized")).arg(at.toString()));
    }

    /** Writes a batch of changes and its outbox records atomically. */
    public void commit(Changes changes) {
        if (changes.isEmpty()) {
            return;
        }
        List<Request> commands = new ArrayList<>();
        commands.add(Request.cmd(Command.MULTI));
        long retentionMs = config.retention().toMillis();
        for (Map.Entry<String, String> request : changes.requests().entrySet()) {
            commands.add(Request.cmd(Command.SET)
                    .arg(key("request:" + request.getKey()))
                    .arg(request.getValue()));
        }
        for (Run run : changes.runs()) {
            String id = run.runId();
            String repository = run.repositoryId();
            String score = String.valueOf(score(run));
            Request set = Request.cmd(Command.SET).arg(key("run:" + id)).arg(write(run));
            commands.add(run.status().terminal() ? set.arg("PX").arg(retentionMs) : set);
            if (run.storedStatus() == null) {
                commands.add(Request.cmd(Command.ZADD)
                        .arg(key("index:all"))
                        .arg(score)
                        .arg(id));
                commands.add(Request.cmd(Command.ZADD)
                        .arg(key("index:repo:" + repository))
                        .arg(score)
                        .arg(id));
                commands.add(Request.cmd(Command.SADD).arg(key("repos")).arg(repository));
                if (run.commit() != null) {
                    // one key per commit: it expires a retention after its latest run instead of being trimmed
                    commands.add(Request.cmd(Command.ZADD)
                            .arg(commitKey(run.commit()))
                            .arg(score)
                            .arg(id));
                    commands.add(Request.cmd(Command.PEXPIRE)
                            .arg(commitKey(run.commit()))
                            .arg(retentionMs));
                }
            }
            if (run.storedStatus() != run.status()) {
                if (run.storedStatus() != null) {
                    commands.add(Request.cmd(Command.ZREM)
                            .arg(key("index:status:" + run.storedStatus().word()))
                            .arg(id));
                    commands.add(Request.cmd(Command.ZREM)
                            .arg(repositoryStatusKey(repository, run.storedStatus()))
                            .arg(id));
                }
                commands.add(Request.cmd(Command.ZADD)
                        .arg(key("index:status:" + run.status().word()))
                        .arg(score)
                        .arg(id));
                commands.add(Request.cmd(Command.ZADD)
                        .arg(repositoryStatusKey(repository, run.status()))
                        .arg(score)
                        .arg(id));
                if (run.status().terminal()) {
                    commands.add(Request.cmd(Command.SREM).arg(key("active")).arg(id));
                    commands.add(Request.cmd(Command.PEXPIRE)
                            .arg(key("request:" + id))
                            .arg(retentionMs));
                } else if (run.storedStatus() == null) {
                    commands.add(Request.cmd(Command.SADD).arg(key("active")).arg(id));
                }
            }
        }
        if (!changes.outbox().isEmpty()) {
            Request push = Request.cmd(Command.RPUSH).arg(key("outbox"));
            changes.outbox().forEach(message -> push.arg(write(message)));
            commands.add(push);
        }
        commands.add(Request.cmd(Command.EXEC));
        try {
            List<Response> responses = redis.batch(commands).await().atMost(TIMEOUT);
            Response exec = responses.get(responses.size() - 1);
            if (exec == null) {
                throw new StoreUnavailableException("the Redis transaction was discarded", null);
            }
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("could not write to Redis: " + e.getMessage(), e);
        }
        changes.runs().forEach(Run::stored);
    }

    /**
     * Whether the store has the run: asked by the consumer, off the engine's thread, because a
     * redelivered run-requested may be of a run that ended long ago. Waits for Redis as long as it
     * takes, while {@code keepTrying} says so: a valid record must not go to the dead-letter topic
     * because Redis is down.
     */
    public CompletionStage<Boolean> isKnown(String runId, BooleanSupplier keepTrying) {
        return redis.send(Request.cmd(Command.EXISTS).arg(key("run:" + runId)))
                .map(found -> found.toInteger() > 0)
                .onFailure()
                .invoke(e -> Log.warnf("run %s: Redis unavailable (%s); retrying", runId, e.getMessage()))
                .onFailure(e -> keepTrying.getAsBoolean())
                .retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5))
                .indefinitely()
                .subscribeAsCompletionStage();
    }

    @Override
    public Optional<Run> find(String runId) {
        return Optional.ofNullable(send(Request.cmd(Command.GET).arg(key("run:" + runId))))
                .map(doc -> read(doc.toString()));
    }

    @Override
    public Optional<String> request(String runId) {
        return Optional.ofNullable(send(Request.cmd(Command.GET).arg(key("request:" + runId))))
                .map(Response::toString);
    }

    /** The runs of one commit, newest first, at most {@code max}. */
    public List<Run> ofCommit(String commit, int max) {
        return newestIn(commitKey(commit), 0, max);
    }

    /** Newest first, optionally of one repository and one status. */
    public Page list(String repository, RunStatus status, int page, int size) {
        String index = repository != null && status != null
                ? repositoryStatusKey(repository, status)
                : repository != null
                        ? key("index:repo:" + repository)
                        : status != null ? key("index:status:" + status.word()) : key("index:all");
        long total = send(Request.cmd(Command.ZCARD).arg(index)).toLong();
        return new Page(newestIn(index, (long) page * size, size), total);
    }

    /** {@code count} runs of a time-ordered index, newest first, from the {@code start}-th. */
    private List<Run> newestIn(String index, long start, long count) {
        List<String> ids = new ArrayList<>();
        send(Request.cmd(Command.ZREVRANGE).arg(index).arg(start).arg(start + count - 1))
                .forEach(id -> ids.add(id.toString()));
        if (ids.isEmpty()) {
            return List.of();
        }
        // A run past its retention may linger in an index until the next trim; it is left out.
        return mget(ids.stream().map(id -> key("run:" + id)).toList()).stream()
                .filter(doc -> doc != null)
                .map(this::read)
                .toList();
    }

    /** The oldest records waiting to be published. */
    public List<OutboxMessage> outboxHead(int max) {
        List<OutboxMessage> messages = new ArrayList<>();
        send(Request.cmd(Command.LRANGE).arg(key("outbox")).arg(0).arg(max - 1)).forEach(entry -> {
            try {
                messages.add(json.readValue(entry.toString(), OutboxMessage.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("outbox entry is not JSON", e);
            }
        });
        return messages;
    }

    /** Drops the oldest records, once the broker has them. */
    public void outboxRemove(int count) {
        send(Request.cmd(Command.LTRIM).arg(key("outbox")).arg(count).arg(-1));
    }

    /** Takes runs older than the retention out of the indexes (their documents expire on their own). */
    public void trimIndexes(Instant now) {
        String cutoff = "(" + score(now.minus(config.retention()));
        List<String> indexes = new ArrayList<>(List.of(key("index:all")));
        for (RunStatus status : RunStatus.values()) {
            indexes.add(key("index:status:" + status.word()));
        }
        send(Request.cmd(Command.SMEMBERS).arg(key("repos"))).forEach(repository -> {
            indexes.add(key("index:repo:" + repository));
            for (RunStatus status : RunStatus.values()) {
                indexes.add(repositoryStatusKey(repository.toString(), status));
            }
        });
        List<Request> trims = indexes.stream()
                .map(index -> Request.cmd(Command.ZREMRANGEBYSCORE)
                        .arg(index)
                        .arg("-inf")
                        .arg(cutoff))
                .toList();
        try {
            redis.batch(trims).await().atMost(TIMEOUT);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("could not trim the run indexes: " + e.getMessage(), e);
        }
    }

    private String commitKey(String commit) {
        return key("index:commit:" + commit);
    }

    private String repositoryStatusKey(String repository, RunStatus status) {
        return key("index:repo:" + repository + ":status:" + status.word());
    }

    private String key(String suffix) {
        return prefix + suffix;
    }

    /** Microseconds since the epoch, exact in a double; ties list by run id. */
    private static long score(Run run) {
        return score(run.requestOrder());
    }

    private static long score(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    private List<String> mget(List<String> keys) {
        Request mget = Request.cmd(Command.MGET);
        keys.forEach(mget::arg);
        List<String> values = new ArrayList<>();
        send(mget).forEach(value -> values.add(value == null ? null : value.toString()));
        return values;
    }

    private Response send(Request request) {
        try {
            return redis.send(request).await().atMost(TIMEOUT);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("Redis " + request.command() + " failed: " + e.getMessage(), e);
        }
    }

    private Run read(String doc) {
        try {
            return json.readValue(doc, Run.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored run is not readable", e);
        }
    }

    private JsonNode readTree(String doc) {
        try {
            return json.readTree(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored request is not readable", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }
}
