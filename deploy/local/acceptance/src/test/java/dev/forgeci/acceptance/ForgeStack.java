package dev.forgeci.acceptance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.KafkaBrokerProcess;
import dev.forgeci.testkit.RedisServerProcess;
import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.StatusReceiver;
import dev.forgeci.testkit.TestInfra;
import dev.forgeci.testkit.TestTokens;

/**
 * Forge CI as it runs on one machine: the four packaged services as real processes (the
 * runner-controller twice, one per runner pool), a Kafka broker and a Redis of their own (so
 * faults can kill and restart them), the real Docker engine, a Radicle-style git gateway on the
 * Docker bridge and a commit-status receiver. Started once per test JVM and shared by the
 * acceptance and fault suites.
 */
final class ForgeStack {

    static final String TOKEN = "acceptance-token-" + UUID.randomUUID();
    static final String WEBHOOK_SECRET = "acceptance-webhook-secret";
    /** The scheduler signs every job-dispatched with it; the controller refuses what it did not sign. */
    static final String DISPATCH_KEY = "acceptance-dispatch-key-" + UUID.randomUUID();

    static final String CONTROLLER_ID =
            "acceptance-" + UUID.randomUUID().toString().substring(0, 8);
    /** The controller of the untrusted pool: a non-delegate's patch runs there and nowhere else. */
    static final String UNTRUSTED_CONTROLLER_ID = CONTROLLER_ID + "-untrusted";
    /**
     * Jobs that may run at once, in the scheduler and in the controller: 3 for the suites (enough to
     * run, small enough to queue); the benchmark passes the services' default, 5.
     */
    static final int CAPACITY = Integer.getInteger("forge.stack.job-limit", 3);

    private static ForgeStack stack;

    final Path repoRoot;
    final KafkaBrokerProcess kafka;
    final RedisServerProcess redis;
    final GitGateway gateway;
    final StatusReceiver statuses;
    final Path secretsDir;
    /** The controller's action mirror: bare repositories at {@code <owner>/<repo>.git}. */
    final Path actionsMirror;

    final ServiceProcess trigger;
    final ServiceProcess scheduler;
    final ServiceProcess controller;
    final ServiceProcess untrustedController;
    final ServiceProcess logs;

    private ForgeStack() throws IOException {
        repoRoot = Path.of(System.getProperty("forge-test.repo-root", "."));
        List<AutoCloseable> started = new ArrayList<>();
        List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
        try {
            kafka = track(
                    started,
                    KafkaBrokerProcess.start(
                            KafkaBrokerProcess.libsFromLauncher(), repoRoot.resolve("deploy/local/kafka/topics.conf")));
            redis = track(started, RedisServerProcess.start());
            gateway = track(
                    started,
                    GitGateway.start(
                            Files.createTempDirectory("forge-acceptance-seed"), TestInfra.dockerBridgeAddress(), 0));
            statuses = track(started, StatusReceiver.start(WEBHOOK_SECRET));
            secretsDir = Files.createTempDirectory("forge-acceptance-secrets");
            actionsMirror = Files.createTempDirectory("forge-acceptance-actions");

            Map<String, String> infrastructure =
                    Map.of("kafka.bootstrap.servers", kafka.bootstrap(), "quarkus.redis.hosts", redis.uri());
            // Tokens for the three services with an API; the controllers have none, and a key they do not know stops
            // them.
            Map<String, String> common = TestTokens.withOperator(TOKEN, infrastructure);
            CompletableFuture<ServiceProcess> schedulerStart = track(
                    starting,
                    start(
                            "scheduler-service",
                            common,
                            Map.of(
                                    "forge.dispatch.key", DISPATCH_KEY,
                                    "forge.scheduler.global-limit", String.valueOf(CAPACITY),
                                    "forge.scheduler.repository-limit", String.valueOf(CAPACITY))));
            // The default 64 MiB of frames keeps about 600,000 short lines; the benchmark prints a million.
            CompletableFuture<ServiceProcess> logsStart =
                    track(starting, start("log-gateway", common, Map.of("forge.logs.max-bytes-per-run", "256M")));
            Map<String, String> controllers = new HashMap<>(infrastructure);
            controllers.putAll(Map.of(
                    "forge.dispatch.key", DISPATCH_KEY,
                    "forge.controller.capacity", String.valueOf(CAPACITY),
                    "forge.runner.image", TestInfra.runnerImage(),
                    "forge.runner.isolation", "capabilities",
                    "forge.runner.registry", TestInfra.registry(),
                    "forge.actions.mirror", actionsMirror.toString(),
                    "forge.actions.cache",
                            Files.createTempDirectory("forge-acceptance-action-cache")
                                    .toString()));
            CompletableFuture<ServiceProcess> controllerStart = track(
                    starting,
                    start(
                            "runner-controller",
                            controllers,
                            Map.of("forge.controller.id", CONTROLLER_ID, "forge.secrets.dir", secretsDir.toString())));
            // This engine has no sysbox: the pool runs with the trusted pool's isolation by override,
            // which is enough to prove where untrusted jobs go, not how well they are contained.
            CompletableFuture<ServiceProcess> untrustedControllerStart = track(
                    starting,
                    start(
                            "runner-controller-untrusted",
                            "runner-controller",
                            controllers,
                            Map.of(
                                    "forge.controller.id",
                                    UNTRUSTED_CONTROLLER_ID,
                                    "forge.controller.pool",
                                    "untrusted",
                                    "forge.runner.unsafe-untrusted-isolation",
                                    "true",
                                    "forge.secrets.dir",
                                    Files.createTempDirectory("forge-acceptance-untrusted-secrets")
                                            .toString())));
            CompletableFuture<ServiceProcess> triggerStart = track(
                    starting,
                    start(
                            "trigger-service",
                            common,
                            Map.of(
                                    "forge.webhook.secret",
                                    WEBHOOK_SECRET,
                                    "forge.seed.default-url",
                                    gateway.url(),
                                    "forge.seed.allowed",
                                    gateway.url() + "," + statuses.url(),
                                    "forge.actions.mirror",
                                    actionsMirror.toString(),
                                    "forge.status.initial-backoff",
                                    "200ms",
                                    "forge.status.max-backoff",
                                    "2s")));
            scheduler = schedulerStart.join();
            logs = logsStart.join();
            controller = controllerStart.join();
            untrustedController = untrustedControllerStart.join();
            trigger = triggerStart.join();
        } catch (IOException | RuntimeException e) {
            // A stack that cannot start leaves nothing running: the next test class starts afresh.
            for (CompletableFuture<ServiceProcess> service : starting) {
                service.handle((up, failure) -> up).join();
                if (!service.isCompletedExceptionally()) {
                    service.join().close();
                }
            }
            closeAll(started);
            throw e;
        }
    }

    private static <T> T track(List<? super T> parts, T part) {
        parts.add(part);
        return part;
    }

    static synchronized ForgeStack get() {
        if (stack == null) {
            try {
                stack = new ForgeStack();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "forge-stack-stop"));
        }
        return stack;
    }

    List<ServiceProcess> services() {
        return List.of(trigger, scheduler, controller, untrustedController, logs);
    }

    /** A secret the controller hands to trusted jobs of the repository. */
    void secret(String repository, String name, String value) {
        try {
            Path dir = Files.createDirectories(secretsDir.resolve(repository.replaceFirst("^rad:", "")));
            Files.writeString(dir.resolve(name), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CompletableFuture<ServiceProcess> start(
            String service, Map<String, String> common, Map<String, String> own) {
        return start(service, service, common, own);
    }

    private CompletableFuture<ServiceProcess> start(
            String name, String module, Map<String, String> common, Map<String, String> own) {
        Map<String, String> config = new HashMap<>(common);
        config.putAll(own);
        Path jar = repoRoot.resolve(module + "/target/quarkus-app/quarkus-run.jar");
        return CompletableFuture.supplyAsync(() -> ServiceProcess.start(name, jar, config));
    }

    private void close() {
        List<AutoCloseable> parts = new ArrayList<>(services());
        parts.addAll(List.of(gateway, statuses, kafka, redis));
        closeAll(parts);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception ignored) {
                // stop what can be stopped
            }
        }
    }
}
