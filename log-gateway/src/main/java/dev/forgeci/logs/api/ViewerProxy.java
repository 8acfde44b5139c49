package dev.forgeci.logs.api;

import java.net.URI;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.access.Problem;
import dev.forgeci.logs.config.ViewerConfig;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The viewer talks to one origin. Behind the Ingress the scheduler's {@code /api/runs} and the
 * trigger-service's {@code /api/triggers} are routed to those services before they reach this
 * one; on a machine without an Ingress ({@code forge up}) this service forwards them to the
 * configured base URLs, so the browser needs no CORS.
 */
@ApplicationScoped
public class ViewerProxy {

    private static final Set<String> FORWARDED = Set.of("authorization", "content-type", "accept", "x-request-id");
    /** A manual trigger carries a workflow file at most; the trigger-service applies its own limit. */
    private static final long MAX_BODY = 1024 * 1024;

    private static final Set<String> RETURNED = Set.of("content-type", "location", "www-authenticate", "retry-after");

    void routes(@Observes Router router, ViewerConfig config, Vertx vertx, ObjectMapper json) {
        HttpClient client = vertx.createHttpClient();
        config.runsUrl().ifPresent(base -> forward(router, client, json, "/api/runs", base));
        config.triggersUrl().ifPresent(base -> forward(router, client, json, "/api/triggers", base));
    }

    private void forward(Router router, HttpClient client, ObjectMapper json, String prefix, String base) {
        URI target = URI.create(base);
        boolean tls = "https".equals(target.getScheme());
        int port = target.getPort() > 0 ? target.getPort() : tls ? 443 : 80;
        String basePath = target.getPath() == null ? "" : target.getPath().replaceAll("/$", "");
        Log.infof("forwarding %s to %s for the viewer", prefix, base);
        router.route(prefix + "*")
                .order(-100)
                .handler(BodyHandler.create().setBodyLimit(MAX_BODY))
                .handler(ctx -> {
                    HttpServerRequest in = ctx.request();
                    RequestOptions options = new RequestOptions()
                            .setMethod(in.method())
                            .setHost(target.getHost())
                            .setPort(port)
                            .setSsl(tls)
                            .setURI(basePath + in.uri());
                    in.headers().forEach(h -> {
                        if (FORWARDED.contains(h.getKey().toLowerCase())) {
                            options.addHeader(h.getKey(), h.getValue());
                        }
                    });
                    Buffer body = ctx.body().buffer() == null
                            ? Buffer.buffer()
                            : ctx.body().buffer();
                    client.request(options)
                            .compose(out -> out.send(body))
                            .compose(response -> response.body().map(answer -> {
                                relay(ctx, response).end(answer);
                                return null;
                            }))
                            .onFailure(failure -> {
                                Log.warnf(
                                        "forwarding %s %s to %s failed: %s",
                                        in.method(), in.uri(), base, failure.getMessage());
                                try {
                                    ctx.response()
                                            .setStatusCode(ProblemType.UPSTREAM.status())
                                            .putHeader("Content-Type", Problem.MEDIA_TYPE)
                                            .end(json.writeValueAsString(Problem.of(
                                                    ProblemType.UPSTREAM,
                                                    prefix + " could not be reached at " + base + ".",
                                                    in.path())));
                                } catch (Exception e) {
                                    ctx.fail(502);
                                }
                            });
                });
    }

    private static io.vertx.core.http.HttpServerResponse relay(RoutingContext ctx, HttpClientResponse response) {
        var out = ctx.response().setStatusCode(response.statusCode());
        response.headers().forEach(h -> {
            if (RETURNED.contains(h.getKey().toLowerCase())) {
                out.putHeader(h.getKey(), h.getValue());
            }
        });
        return out;
    }
}
