package dev.forgeci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;

/**
 * A real Kafka broker (KRaft, one node) owned by one test suite, run from the jars the launcher
 * caches, with every topic of deploy/local/kafka/topics.conf. Unlike the shared test broker it
 * may be stopped and started again, keeping its data, as a broker restart would.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private final Path libs;
    private final Path dir;
    private final int port;
    private final ManagedProcess process;

    private KafkaBrokerProcess(Path libs, Path dir, int port) {
        this.libs = libs;
        this.dir = dir;
        this.port = port;
        this.process = new ManagedProcess("kafka", dir.resolve("kafka.log"));
    }

    /** The broker jars folder the launcher passes as {@code forge-test.kafka-libs}. */
    public static Path libsFromLauncher() {
        String libs = System.getProperty("forge-test.kafka-libs");
        if (libs == null || !Files.isDirectory(Path.of(libs))) {
            throw new IllegalStateException(
                    "forge-test.kafka-libs is not set; run the tests through deploy/local/forge test");
        }
        return Path.of(libs);
    }

    public static KafkaBrokerProcess start(Path libs, Path topicsConf) {
        try {
            Path dir = Files.createTempDirectory("forge-kafka");
            KafkaBrokerProcess broker = new KafkaBrokerProcess(libs, dir, RedisServerProcess.freePort());
            int controllerPort = RedisServerProcess.freePort();
            // The launcher's own broker configuration and topic list, so that both stacks are one broker.
            Path kafka = topicsConf.toAbsolutePath().getParent();
            Files.writeString(
                    dir.resolve("server.properties"),
                    Files.readString(kafka.resolve("kraft.properties"))
                            .replace("{port}", String.valueOf(broker.port))
                            .replace("{controllerPort}", String.valueOf(controllerPort))
                            .replace("{data}", dir.resolve("data").toString()));
            ManagedProcess format = new ManagedProcess("kafka storage format", dir.resolve("kafka.log"));
            format.start(broker.command(List.of(
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    clusterId(),
                    "-c",
                    dir.resolve("server.properties").toString())));
            format.awaitExit(Duration.ofSeconds(60));
            broker.startAgain();
            broker.createTopics(kafka.resolve("Topics.java"), topicsConf);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public synchronized void startAgain() {
        if (!process.start(
                command(List.of("kafka.Kafka", dir.resolve("server.properties").toString())))) {
            return;
        }
        Awaitility.await("kafka on " + bootstrap())
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(this::answers);
    }

    /** SIGKILL, as a lost broker. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM: a controlled shutdown. */
    public void stop() {
        process.stop();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new IllegalStateException("kafka exited; see " + dir.resolve("kafka.log"));
        }
        try (Admin admin = admin()) {
            admin.listTopics().names().get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** Runs the launcher's Topics.java, which creates the topics of topics.conf as `forge` does. */
    private void createTopics(Path program, Path topicsConf) {
        ManagedProcess topics = new ManagedProcess("kafka topics", dir.resolve("kafka.log"));
        topics.start(command(List.of(program.toString(), bootstrap(), topicsConf.toString(), "60")));
        if (!topics.awaitExit(Duration.ofSeconds(120)) || topics.exitValue() != 0) {
            topics.kill();
            throw new IllegalStateException(
                    "could not create the topics of " + topicsConf + "; see " + dir.resolve("kafka.log"));
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        return Admin.create(props);
    }

    private List<String> command(List<String> mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                libs.resolve("*").toString()));
        command.addAll(mainAndArgs);
        return command;
    }

    /** A KRaft cluster id: 16 random bytes, base64url without padding. */
    private static String clusterId() {
        UUID uuid = UUID.randomUUID();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
        // StorageTool would read an id starting with "-" as an option (1 run in 64 failed to format).
        return id.startsWith("-") ? "A" + id.substring(1) : id;
    }
}
