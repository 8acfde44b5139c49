package dev.forgeci.logs;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.forgeci.testkit.KafkaTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;

/**
 * What the gateway's @QuarkusTest classes share: a producer on the real broker (once the gateway's
 * consumer owns its partitions) and WebSocket viewers of the gateway under test.
 */
abstract class LiveGatewayTest {

    static final String TOKEN = "test-reader-token";

    static KafkaTestClient kafka;
    static Vertx vertx;
    static WebSocketClient ws;

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void connectToTheStack() {
        kafka = new KafkaTestClient();
        vertx = Vertx.vertx();
        ws = LogClient.client(vertx);
        RunFeeder.awaitGatewayConsumer(kafka);
    }

    @AfterAll
    static void disconnectFromTheStack() {
        ws.close();
        vertx.close();
        kafka.close();
    }

    /** A viewer of the run with the test token; {@code query} is appended as is (e.g. {@code &cursor=5}). */
    LogClient open(String runId, String query) {
        return LogClient.connect(ws, base, "/ws/runs/" + runId + "?access_token=" + TOKEN + query);
    }
}
