package dev.forgeci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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
    private Process process;

    private KafkaBrokerProcess(Path libs, Path dir, int port) {
        this.libs = libs;
        this.dir = dir;
        this.port = port;
    }

    /** The broker jars folder the launcher passes as {@code forge-test.kafka-libs}. */
    public static Path libsFromLauncher() {
        String libs = System.getProperty("forge-test.kafka-libs");
        if (libs == null || !Files.isDirectory(Path.of(libs))) {
            throw new IllegalStateException("forge-test.kafka-libs is not set; run the tests through deploy/local/forge test");
        }
        return Path.of(libs);
    }

    public static KafkaBrokerProcess start(Path libs, Path topicsConf) {
        try {
            Path dir = Files.createTempDirectory("forge-kafka");
            KafkaBrokerProcess broker = new KafkaBrokerProcess(libs, dir, RedisServerProcess.freePort());
            int controllerPort = RedisServerProcess.freePort();
            Files.writeString(dir.resolve("server.properties"), String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + broker.port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + broker.port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"),
                    "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=6",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "group.initial.rebalance.delay.ms=0", ""));
            broker.run(List.of("kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", dir.resolve("server.properties").toString()))
                    .waitFor(60, TimeUnit.SECONDS);
            broker.startAgain();
            broker.createTopics(topicsConf);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public synchronized void startAgain() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = run(List.of("kafka.Kafka", dir.resolve("server.properties").toString()));
        Awaitility.await("kafka on " + bootstrap()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(this::answers);
    }

    /** SIGKILL, as a lost broker. */
    public synchronized void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: a controlled shutdown. */
    public synchronized void stop() {
        process.destroy();
        waitForExit();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
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

    private void createTopics(Path topicsConf) throws IOException {
        List<NewTopic> topics = new ArrayList<>();
        for (String line : Files.readAllLines(topicsConf)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            Map<String, String> configs = new HashMap<>();
            for (int i = 2; i < fields.length; i++) {
                String[] kv = fields[i].split("=", 2);
                configs.put(kv[0], kv[1]);
            }
            topics.add(new NewTopic(fields[0], Integer.parseInt(fields[1]), (short) 1).configs(configs));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics of " + topicsConf, e);
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        return Admin.create(props);
    }

    private Process run(List<String> mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", libs.resolve("*").toString()));
        command.addAll(mainAndArgs);
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void waitForExit() {
        try {
            process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A KRaft cluster id: 16 random bytes, base64url without padding. */
    private static String clusterId() {
        UUID uuid = UUID.randomUUID();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
        // StorageTool would read an id starting with "-" as an option (1 run in 64 failed to format).
        return id.startsWith("-") ? "A" + id.substring(1) : id;
    }
}
