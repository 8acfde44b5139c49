package dev.forgeci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A packaged Quarkus service run as a real process, as in production: it can be killed (SIGKILL),
 * stopped (SIGTERM) and started again with the same configuration, port and log file.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path appJar;
    private final int port;
    private final Map<String, String> config;
    private final Path log;
    private final ManagedProcess process;

    private ServiceProcess(String name, Path appJar, int port, Map<String, String> config, Path log) {
        this.name = name;
        this.appJar = appJar;
        this.port = port;
        this.config = config;
        this.process = new ManagedProcess(name, log);
        this.log = log;
    }

    /**
     * @param appJar the service's target/quarkus-app/quarkus-run.jar
     * @param config Quarkus configuration properties, passed as system properties
     */
    public static ServiceProcess start(String name, Path appJar, Map<String, String> config) {
        ServiceProcess service = create(name, appJar, config);
        service.startAgain();
        return service;
    }

    /** Starts a service that must refuse to start with this configuration: its log, once it exited. */
    public static String refusedStart(String name, Path appJar, Map<String, String> config) {
        ServiceProcess service = create(name, appJar, config);
        try (service) {
            service.startAgain();
        } catch (IllegalStateException failed) {
            if (!failed.getMessage().contains(" exited with ")) {
                throw failed;
            }
            try {
                return Files.readString(service.log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new AssertionError(name + " started although it should have refused to; see " + service.log);
    }

    private static ServiceProcess create(String name, Path appJar, Map<String, String> config) {
        try {
            int port = RedisServerProcess.freePort();
            Path log = Files.createTempFile("forge-" + name + "-", ".log");
            return new ServiceProcess(name, appJar, port, new LinkedHashMap<>(config), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** Starts the process (again) and waits until it reports ready. */
    public synchronized void startAgain() {
        // Loopback only, as `forge up` runs them: a job's runner reaches the bridge address, never the services.
        List<String> command = new ArrayList<>(
                List.of(javaBinary(), "-Xmx384m", "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1"));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", appJar.toString()));
        if (!process.start(command)) {
            return;
        }
        try {
            awaitReady(Duration.ofSeconds(60));
        } catch (IllegalStateException e) {
            // a service that never became ready is not left running behind the failed test
            process.kill();
            throw e;
        }
    }

    public void awaitReady(Duration timeout) {
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            Awaitility.await()
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    name + " exited with " + process.exitValue() + "; see " + log);
                        }
                        try {
                            return HTTP.send(ready, HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " did not become ready within " + timeout + "; see " + log, e);
        }
    }

    /** SIGKILL: no shutdown hook runs, as when a node dies. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM: a clean shutdown. */
    public void stop() {
        process.stop();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
