package dev.forgeci.testkit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * What every service promises an orchestrator: readiness follows its real Redis connection (down
 * while Redis is gone, up again when it returns), liveness does not, and metrics are exported.
 * A service's test extends this with {@code @QuarkusTest} and {@link PrivateRedisResource}.
 */
public abstract class ReadinessContract {

    protected RedisServerProcess redis;

    @Test
    void readinessFollowsTheRedisConnection() {
        // Kafka's readiness check settles a moment after start (its consumers join their group).
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> given().when().get("/q/health/ready").then().statusCode(200));

        redis.kill();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().when()
                        .get("/q/health/ready")
                        .then()
                        .statusCode(503)
                        .body(containsString("Redis")));
        given().when().get("/q/health/live").then().statusCode(200);

        redis.startAgain();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> given().when().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void metricsAreExportedForPrometheus() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }
}
