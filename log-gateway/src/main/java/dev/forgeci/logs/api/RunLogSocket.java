package dev.forgeci.logs.api;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.forgeci.access.Caller;
import dev.forgeci.access.Tokens;
import dev.forgeci.logs.config.LogsConfig;
import dev.forgeci.logs.fanout.Fanout;
import dev.forgeci.logs.fanout.Viewer;
import dev.forgeci.logs.infra.LogStore;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;

/**
 * {@code /ws/runs/{runId}}: a run's frames from the start or after {@code ?cursor=}, then live, in
 * order and once each; {@code ?mode=raw} sends terminal text only. Frames and close codes are
 * documented in the README.
 */
@WebSocket(path = "/ws/runs/{runId}")
public class RunLogSocket {

    /** A client error: bad run id, cursor or mode. */
    public static final int BAD_REQUEST = 4400;
    /** Missing or unknown access token, or one that may not read this run. */
    public static final int POLICY = 1008;

    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private static final Pattern RUN_ID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");
    private static final Pattern CURSOR = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final TypedKey<Viewer> VIEWER = new TypedKey<>("forge.viewer");

    private final Fanout fanout;
    private final LogStore store;
    private final Tokens tokens;
    private final RunAccess access;
    private final LogsConfig config;

    public RunLogSocket(Fanout fanout, LogStore store, Tokens tokens, RunAccess access, LogsConfig config) {
        this.fanout = fanout;
        this.store = store;
        this.tokens = tokens;
        this.access = access;
        this.config = config;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        String runId = connection.pathParam("runId");
        Map<String, List<String>> query = new QueryStringDecoder(
                        connection.handshakeRequest().path() + "?"
                                + (connection.handshakeRequest().query() == null
                                        ? ""
                                        : connection.handshakeRequest().query()))
                .parameters();
        // Browsers cannot set headers on a WebSocket: the token comes as a query parameter, here only.
        String token = first(query, "access_token");
        Caller caller = (token == null ? tokens.withoutToken() : tokens.caller(token)).orElse(null);
        if (caller == null) {
            return connection.close(new CloseReason(
                    POLICY,
                    (token == null ? "missing access token" : "invalid access token") + " (pass it as access_token)"));
        }
        if (!RUN_ID.matcher(runId).matches()) {
            return connection.close(new CloseReason(BAD_REQUEST, "not a run id (26 Crockford base32 characters)"));
        }
        String mode = first(query, "mode");
        if (mode != null && !mode.equals("raw") && !mode.equals("json")) {
            return connection.close(new CloseReason(BAD_REQUEST, "mode must be json or raw"));
        }
        String cursorParam = first(query, "cursor");
        if (cursorParam != null && !CURSOR.matcher(cursorParam).matches()) {
            return connection.close(new CloseReason(
                    BAD_REQUEST, "malformed cursor: expected the cursor number of the last frame received"));
        }
        long cursor = cursorParam == null ? 0 : Long.parseLong(cursorParam);
        var context = Vertx.currentContext();
        return access.refusal(caller, runId)
                .chain(refusal -> refusal.isPresent()
                        ? connection.close(new CloseReason(POLICY, refusal.get()))
                        : watch(connection, context, runId, "raw".equals(mode), cursor));
    }

    private Uni<Void> watch(
            WebSocketConnection connection, io.vertx.core.Context context, String runId, boolean raw, long cursor) {
        return store.state(runId).chain(state -> {
            if (state.ended().isPresent() && cursor >= state.ended().get()) {
                return connection.close(
                        new CloseReason(Viewer.RUN_FINISHED, "run finished; nothing after cursor " + cursor));
            }
            Viewer viewer = fanout.watch(connection, context, runId, raw, cursor);
            connection.userData().put(VIEWER, viewer);
            if (!state.exists()) {
                Log.debugf(
                        "run %s: not heard of yet; the viewer waits up to %s",
                        runId, config.ws().unknownRunWait());
                fanout.closeIfStillUnknown(viewer, config.ws().unknownRunWait());
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** Vert.x refuses a client message over {@code quarkus.websockets-next.server.max-message-size}; anything else is ours. */
    @OnError
    public Uni<Void> error(Throwable failure, WebSocketConnection connection) {
        if (failure instanceof IllegalStateException
                && String.valueOf(failure.getMessage()).contains("max message size")) {
            return connection.close(new CloseReason(MESSAGE_TOO_BIG, "message too big: this socket only sends"));
        }
        if (failure instanceof HttpClosedException) {
            // the viewer went away (tab closed, network dropped): normal, and it resumes with its cursor
            Log.debugf("run %s: the viewer closed the connection", connection.pathParam("runId"));
            return Uni.createFrom().voidItem();
        }
        Log.errorf(failure, "run %s: the socket failed", connection.pathParam("runId"));
        return connection.close(new CloseReason(INTERNAL_ERROR, "internal error; reconnect with your last cursor"));
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        Viewer viewer = connection.userData().get(VIEWER);
        if (viewer != null) {
            fanout.leave(viewer);
        }
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
