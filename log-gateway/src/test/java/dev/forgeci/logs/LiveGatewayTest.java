package dev.forgeci.logs;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.LogFollower;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * What the gateway's @QuarkusTest classes share: a producer on the real broker (once the gateway's
 * consumer owns its partitions) and WebSocket viewers of the gateway under test.
 */
abstract class LiveGatewayTest {

    static final String TOKEN = "test-reader-token";

    static KafkaTestClient kafka;

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void connectToTheStack() {
        kafka = new KafkaTestClient();
        RunFeeder.awaitGatewayConsumer(kafka);
    }

    @AfterAll
    static void disconnectFromTheStack() {
        kafka.close();
    }

    /** A viewer of the run with the test token; {@code query} is appended as is (e.g. {@code &cursor=5}). */
    LogFollower open(String runId, String query) {
        return LogFollower.connect(socket("/ws/runs/" + runId + "?access_token=" + TOKEN + query));
    }

    /** The gateway under test's WebSocket address of {@code path} (with its query). */
    URI socket(String path) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + path);
    }
}
