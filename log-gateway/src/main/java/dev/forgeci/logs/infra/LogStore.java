package dev.forgeci.logs.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.logs.config.LogsConfig;
import dev.forgeci.logs.frames.Frame;
import dev.forgeci.logs.frames.Operations.Operation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * One Redis Stream of frames per run ({@code forge:logs:run:<id>}, frame ids {@code 0-<cursor>}),
 * its state hash (redelivery counters, deferred job and run ends, byte count) and the recent-runs
 * index. Every write goes through one Lua script, so a frame and the counter that makes its
 * redelivery a no-op change together.
 */
@ApplicationScoped
public class LogStore {

    /** What {@link #apply} answers besides a number of frames appended. */
    public static final long REDELIVERED = -1;

    public static final long AFTER_END = -2;
    public static final long STEP_NOT_STARTED = -3;

    private static final String PREFIX = "forge:logs:run:";
    private static final String RUNS = "forge:logs:runs";
    private static final String SUMMARIES = "forge:logs:runs:summary";

    private final Redis redis;
    private final LogsConfig config;
    private final ObjectMapper json;
    private final String script;
    private volatile String sha;

    public LogStore(Redis redis, LogsConfig config, ObjectMapper json) {
        this.redis = redis;
        this.config = config;
        this.json = json;
        this.script = resource("/redis/append.lua");
    }

    public static String streamKey(String runId) {
        return PREFIX + runId;
    }

    /** Applies an operation; the answer is the number of frames appended, or one of the negative answers above. */
    public Uni<Long> apply(Operation op) {
        return loadedSha()
                .chain(loaded -> redis.send(appendRequest(Command.EVALSHA, loaded, op)))
                .onFailure(LogStore::isNoScript)
                .recoverWithUni(() -> {
                    // Redis lost its script cache (restart, failover): send the script itself once.
                    sha = null;
                    return redis.send(appendRequest(Command.EVAL, script, op));
                })
                .map(Response::toLong);
    }

    /** Up to {@code count} frames after {@code cursor}, in order. */
    public Uni<List<Frame>> range(String runId, long cursor, int count) {
        return redis.send(Request.cmd(Command.XRANGE)
                        .arg(streamKey(runId))
                        .arg("0-" + (cursor + 1))
                        .arg("+")
                        .arg("COUNT")
                        .arg(count))
                .map(LogStore::frames);
    }

    /** What a newly connected viewer needs to know: whether the run exists, its last frame, its end. */
    public Uni<RunState> state(String runId) {
        return redis.send(Request.cmd(Command.HMGET)
                        .arg(streamKey(runId) + ":state")
                        .arg("frames")
                        .arg("ended"))
                .map(r -> new RunState(
                        number(r.get(0)), Optional.ofNullable(r.get(1)).map(Response::toLong)));
    }

    /** The repository ({@code rad:…}) of a run, from its latest run event; empty while none was heard of. */
    public Uni<Optional<String>> repository(String runId) {
        return redis.send(Request.cmd(Command.HGET).arg(SUMMARIES).arg(runId))
                .map(summary -> Optional.ofNullable(summary).map(s -> repositoryOf(s.toString())));
    }

    /** The recent runs' summaries as a JSON array, newest first: those of the repositories {@code readable} admits. */
    public Uni<String> recentRuns(Predicate<String> readable) {
        return redis.send(Request.cmd(Command.ZREVRANGE).arg(RUNS).arg(0).arg(config.recentRuns() - 1))
                .chain(ids -> {
                    if (ids.size() == 0) {
                        return Uni.createFrom().item("[]");
                    }
                    Request hmget = Request.cmd(Command.HMGET).arg(SUMMARIES);
                    ids.forEach(id -> hmget.arg(id.toString()));
                    return redis.send(hmget).map(summaries -> {
                        List<String> present = new ArrayList<>();
                        summaries.forEach(s -> {
                            if (s != null && readable.test(repositoryOf(s.toString()))) {
                                present.add(s.toString());
                            }
                        });
                        return "[" + String.join(",", present) + "]";
                    });
                });
    }

    public static List<Frame> frames(Response entries) {
        List<Frame> frames = new ArrayList<>(entries.size());
        for (Response entry : entries) {
            String id = entry.get(0).toString();
            Response fields = entry.get(1);
            String type = null;
            String json = null;
            String raw = "";
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String value = fields.get(i + 1).toString(StandardCharsets.UTF_8);
                switch (fields.get(i).toString()) {
                    case "t" -> type = value;
                    case "f" -> json = value;
                    case "r" -> raw = value;
                    default -> {
                        // written by a newer version of this service
                    }
                }
            }
            frames.add(new Frame(Long.parseLong(id.substring(id.indexOf('-') + 1)), type, json, raw));
        }
        return frames;
    }

    private String repositoryOf(String summary) {
        try {
            return json.readTree(summary).path("repository").path("id").asText(null);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a run summary in Redis is not JSON", e);
        }
    }

    private Uni<String> loadedSha() {
        String known = sha;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script)).map(r -> {
            sha = r.toString();
            return sha;
        });
    }

    private Request appendRequest(Command command, String scriptOrSha, Operation op) {
        String stream = streamKey(op.runId());
        Request request = Request.cmd(command)
                .arg(scriptOrSha)
                .arg(4)
                .arg(stream)
                .arg(stream + ":state")
                .arg(RUNS)
                .arg(SUMMARIES)
                .arg(config.maxBytesPerRun().asLongValue())
                .arg(config.retention().toSeconds())
                .arg(config.recentRuns())
                .arg(op.script().toString());
        op.lineArguments().forEach(request::arg);
        return request;
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static long number(Response response) {
        return response == null ? 0 : response.toLong();
    }

    private static String resource(String path) {
        try (InputStream in = LogStore.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A run as a viewer finds it: {@code frames} is its last cursor (0: nothing heard of it yet). */
    public record RunState(long frames, Optional<Long> ended) {
        public boolean exists() {
            return frames > 0;
        }
    }
}
