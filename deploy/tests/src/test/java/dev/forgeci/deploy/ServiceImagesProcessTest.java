package dev.forgeci.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.TestInfra;
import dev.forgeci.testkit.TestTokens;

/**
 * Each service's image builds from its packaged app and an offline base (no registry), and the
 * container becomes ready against the real local stack (the test Kafka broker and Redis).
 */
class ServiceImagesProcessTest {

    private static final String TAG = "image-test";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> STARTED = new ArrayList<>();

    @Test
    void everyServiceImageBuildsOfflineAndStartsHealthy() throws Exception {
        String base = System.getProperty("forge-test.jre-base", "forge-jre-base:local");
        HttpClient http = HttpClient.newHttpClient();
        for (String service : Repository.SERVICES) {
            Path app = Repository.root().resolve(service + "/target/quarkus-app");
            assertThat(app.resolve("quarkus-run.jar")).as("packaged " + service).exists();
            String image = "forge-ci/" + service + ":" + TAG;
            docker(
                    "build",
                    "-q",
                    "-f",
                    Repository.root().resolve("deploy/images/Dockerfile.jvm").toString(),
                    "--build-arg",
                    "BASE=" + base,
                    "-t",
                    image,
                    app.toString());

            int port = freePort();
            List<String> run = new ArrayList<>(List.of(
                    "run",
                    "-d",
                    "--name",
                    "forge-image-test-" + service + "-" + RUN,
                    "--network",
                    "host",
                    "-e",
                    "QUARKUS_HTTP_PORT=" + port,
                    "-e",
                    "KAFKA_BOOTSTRAP_SERVERS=" + TestInfra.kafkaBootstrap(),
                    // A Redis database of its own, and no rebuild of the scheduler's state from the
                    // shared test topics: other suites' runs are not this container's to schedule.
                    "-e",
                    "QUARKUS_REDIS_HOSTS=" + TestInfra.redisUri() + "/9",
                    "-e",
                    "FORGE_SCHEDULER_REBUILD_ENABLED=false",
                    // A group of its own reading only new records: the test topics hold other tests' runs.
                    "-e",
                    "MP_MESSAGING_CONNECTOR_SMALLRYE_KAFKA_GROUP_ID=image-test-" + service + "-" + RUN,
                    "-e",
                    "MP_MESSAGING_CONNECTOR_SMALLRYE_KAFKA_AUTO_OFFSET_RESET=latest",
                    "-e",
                    "FORGE_AUTH_TOKENS_OPERATOR_SHA256=" + TestTokens.sha256("image-test-token"),
                    "-e",
                    "FORGE_AUTH_TOKENS_OPERATOR_SCOPES=admin",
                    "-e",
                    "FORGE_WEBHOOK_SECRET=image-test-secret",
                    "-e",
                    "FORGE_CONTROLLER_ID=image-test-" + RUN,
                    "-e",
                    "FORGE_RUNNER_ISOLATION=capabilities",
                    "-e",
                    "FORGE_RUNNER_IMAGE=" + TestInfra.runnerImage()));
            if (service.equals("runner-controller")) {
                // The service runs as uid 185; the socket's group lets it reach the engine.
                run.addAll(List.of(
                        "-v",
                        "/var/run/docker.sock:/var/run/docker.sock",
                        "--group-add",
                        String.valueOf(Files.getAttribute(Path.of("/var/run/docker.sock"), "unix:gid"))));
            }
            run.add(image);
            String container = docker(run.toArray(String[]::new)).strip();
            STARTED.add(container);

            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .build();
            try {
                Awaitility.await(service + " ready in its container")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            try {
                                return http.send(ready, HttpResponse.BodyHandlers.discarding())
                                                .statusCode()
                                        == 200;
                            } catch (IOException notYet) {
                                return false;
                            }
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(
                        service + " never became ready; the end of its log:\n"
                                + docker("logs", "--tail", "40", container),
                        e);
            }
            System.out.printf(
                    "%s: image %s, %d MB, ready%n",
                    service,
                    image,
                    Long.parseLong(docker("image", "inspect", "-f", "{{.Size}}", image)
                                    .strip())
                            / 1_000_000);
        }
    }

    @AfterAll
    static void removeContainers() throws Exception {
        for (String container : STARTED) {
            docker("rm", "-f", container);
        }
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("forge-docker", ".out");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean done = process.waitFor(10, TimeUnit.MINUTES);
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        if (!done || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + text);
        }
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
