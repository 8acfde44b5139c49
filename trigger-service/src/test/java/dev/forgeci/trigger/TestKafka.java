package dev.forgeci.trigger;

import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.testkit.KafkaTestClient;
import io.restassured.response.ValidatableResponse;

/**
 * One client of the shared test broker per test JVM, with watchers on the topics the tests read.
 * Watchers see what happens after they were first asked for; tests filter by their own run ids.
 */
public final class TestKafka {

    private static KafkaTestClient client;
    private static KafkaTestClient.Watcher runRequested;
    private static KafkaTestClient.Watcher deadLetters;

    private TestKafka() {}

    public static synchronized KafkaTestClient client() {
        if (client == null) {
            client = new KafkaTestClient();
        }
        return client;
    }

    public static synchronized KafkaTestClient.Watcher runRequested() {
        if (runRequested == null) {
            runRequested = client().watch("run-requested");
        }
        return runRequested;
    }

    public static synchronized KafkaTestClient.Watcher deadLetters() {
        if (deadLetters == null) {
            deadLetters = client().watch("dead-letters");
        }
        return deadLetters;
    }

    /** The run request behind a trigger's 202: the first run it started, as published on run-requested. */
    public static JsonNode requestedRun(ValidatableResponse accepted) {
        String runId = accepted.statusCode(202).extract().path("runs[0].runId");
        return runRequested().awaitKey(runId, Duration.ofSeconds(30)).json();
    }

    /** Waits until the service under test consumes run-events, so nothing produced next is missed. */
    public static void awaitServiceListening() {
        client().awaitAssigned(
                        ConfigProvider.getConfig()
                                .getValue("mp.messaging.connector.smallrye-kafka.group.id", String.class),
                        Duration.ofSeconds(30),
                        "run-events");
    }
}
