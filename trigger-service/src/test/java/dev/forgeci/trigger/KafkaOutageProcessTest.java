package dev.forgeci.trigger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.KafkaBrokerProcess;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.TestInfra;
import dev.forgeci.testkit.TestTokens;
import io.restassured.response.ValidatableResponse;

/**
 * The packaged service on a Kafka broker of its own, which the test kills and restarts: while
 * Kafka is gone a trigger is answered 503 with Retry-After (and nothing is started); once it is
 * back, triggers are accepted again without restarting the service.
 */
class KafkaOutageProcessTest {

    static final String TOKEN = "process-token";
    static final String WORKFLOW = "steps:\n  - run: make\n";

    static KafkaBrokerProcess broker;
    static ServiceProcess service;
    static KafkaTestClient kafka;

    @BeforeAll
    static void start() {
        broker = KafkaBrokerProcess.start(
                KafkaBrokerProcess.libsFromLauncher(), Path.of(System.getProperty("forge-test.topics")));
        service = ServiceProcess.start(
                "trigger-service",
                Path.of(System.getProperty("forge-test.app-jar")),
                TestTokens.withOperator(
                        TOKEN,
                        Map.of(
                                "kafka.bootstrap.servers",
                                broker.bootstrap(),
                                "quarkus.redis.hosts",
                                TestInfra.redisUri(),
                                "mp.messaging.connector.smallrye-kafka.group.id",
                                "trigger-service-outage-" + UUID.randomUUID(),
                                "forge.seed.default-url",
                                "http://127.0.0.1:9")));
        kafka = new KafkaTestClient(broker.bootstrap());
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void whileKafkaIsDownTriggersAre503WithRetryAfterAndNothingStarts() {
        KafkaTestClient.Watcher runRequested = kafka.watch("run-requested");
        String before = TestEnvironment.newRepositoryId();
        String runId = trigger(before).statusCode(202).extract().path("runs[0].runId");
        runRequested.awaitKey(runId, Duration.ofSeconds(30));
        runRequested.close();

        broker.kill();
        String during = TestEnvironment.newRepositoryId();
        long started = System.nanoTime();
        trigger(during)
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "10")
                .body("type", equalTo("urn:forge-ci:problem:kafka-unavailable"))
                .body(
                        "detail",
                        equalTo(
                                "the run could not be recorded because Kafka is unavailable; nothing was started, try again later"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        given().baseUri(service.baseUrl()).when().get("/q/health/live").then().statusCode(200);

        broker.startAgain();
        KafkaTestClient.Watcher afterwards = kafka.watch("run-requested");
        String after = TestEnvironment.newRepositoryId();
        String[] accepted = new String[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    var response = trigger(after).extract();
                    accepted[0] = response.statusCode() == 202 ? response.path("runs[0].runId") : null;
                    return accepted[0] != null;
                });
        afterwards.awaitKey(accepted[0], Duration.ofSeconds(30));
        afterwards.close();
        // The refused trigger was not delivered late, after its client had been told nothing started.
        assertThat(everythingOn("run-requested"))
                .anySatisfy(v -> assertThat(v).contains(before))
                .anySatisfy(v -> assertThat(v).contains(after))
                .noneSatisfy(v -> assertThat(v).contains(during));
    }

    /** Every record value of the topic on the private broker, from the beginning. */
    private static List<String> everythingOn(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return values;
        }
    }

    private static ValidatableResponse trigger(String rid) {
        return given().baseUri(service.baseUrl())
                .header("Authorization", "Bearer " + TOKEN)
                .contentType("application/json")
                .body(Map.of(
                        "repository", rid, "commit", "0123456789abcdef0123456789abcdef01234567", "workflow", WORKFLOW))
                .when()
                .post("/api/triggers")
                .then();
    }
}
