package dev.forgeci.trigger;

import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.forgeci.testkit.KafkaTestClient;

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

    /** Waits until the service under test consumes run-events, so nothing produced next is missed. */
    public static void awaitServiceListening() {
        client().awaitAssigned(
                        ConfigProvider.getConfig()
                                .getValue("mp.messaging.connector.smallrye-kafka.group.id", String.class),
                        Duration.ofSeconds(30),
                        "run-events");
    }
}
