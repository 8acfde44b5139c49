package dev.forgeci.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/compose/compose.yaml holds the whole single-host system, each long-running part with a
 * health check and its data on volumes. SnakeYAML resolves the file's anchors and merge keys the
 * way Compose does. (No Compose engine is installed here, so the file is checked, not run.)
 */
class ComposeFileTest {

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() {
        Map<String, Object> compose =
                new Yaml().load(Repository.read(Repository.root().resolve("deploy/compose/compose.yaml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void holdsKafkaRedisAnEngineAndTheFourServices() {
        assertThat(services).containsKeys("kafka", "kafka-topics", "redis", "dind");
        assertThat(services).containsKeys(Repository.SERVICES.toArray(String[]::new));
        assertThat((String) services.get("kafka").get("image")).startsWith("apache/kafka:");
        assertThat(env("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
        assertThat((String) services.get("dind").get("image")).isEqualTo("docker:24-dind");
    }

    @Test
    void everyLongRunningPartHasAHealthCheck() {
        services.forEach((name, service) -> {
            if (!name.equals("kafka-topics")) {
                assertThat(service).as(name).containsKey("healthcheck");
            }
        });
    }

    @Test
    void onlyTheRunnersEngineIsPrivilegedAndItListensOnlyOnAUnixSocket() {
        services.forEach((name, service) -> assertThat(Boolean.TRUE.equals(service.get("privileged")))
                .as(name + " privileged")
                .isEqualTo(name.equals("dind")));
        assertThat(String.join(" ", strings(services.get("dind").get("command"))))
                .contains("--host=unix://")
                .doesNotContain("tcp://");
        assertThat(env("dind")).containsEntry("DOCKER_TLS_CERTDIR", "");
        assertThat(strings(services.get("runner-controller").get("volumes")))
                .anyMatch(v -> v.startsWith("docker-socket:"));
    }

    @Test
    void servicesWaitForTheirInfrastructureAndListenOnTheLocalPorts() {
        Map<String, String> ports = Map.of(
                "log-gateway",
                "8080:8080",
                "trigger-service",
                "8081:8080",
                "scheduler-service",
                "8082:8080",
                "runner-controller",
                "8083:8080");
        for (String name : Repository.SERVICES) {
            assertThat(env(name))
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                    .containsKey("QUARKUS_REDIS_HOSTS")
                    .containsKey("FORGE_AUTH_TOKENS_OPERATOR_SHA256")
                    .containsEntry("FORGE_AUTH_TOKENS_OPERATOR_SCOPES", "admin");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, String>> dependsOn =
                    (Map<String, Map<String, String>>) services.get(name).get("depends_on");
            assertThat(dependsOn.get("kafka-topics")).containsEntry("condition", "service_completed_successfully");
            assertThat(dependsOn.get("redis")).containsEntry("condition", "service_healthy");
            assertThat(strings(services.get(name).get("ports"))).containsExactly(ports.get(name));
        }
    }

    @Test
    void dataLivesOnVolumesAndTopicsComeFromTheOneList() {
        assertThat(strings(services.get("kafka").get("volumes"))).anyMatch(v -> v.startsWith("kafka-data:"));
        assertThat(strings(services.get("redis").get("volumes"))).anyMatch(v -> v.startsWith("redis-data:"));
        assertThat(strings(services.get("redis").get("command"))).contains("--appendonly", "yes");
        assertThat(strings(services.get("dind").get("volumes"))).anyMatch(v -> v.startsWith("docker-data:"));
        assertThat(strings(services.get("kafka-topics").get("volumes")))
                .anyMatch(v -> v.startsWith("../local/kafka/topics.conf:"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return (List<String>) value;
    }
}
