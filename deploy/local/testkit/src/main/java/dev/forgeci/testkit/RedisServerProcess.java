package dev.forgeci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real redis-server owned by one test: it can be stopped and started again on the same port,
 * which the shared test Redis must never be.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final ManagedProcess process;

    private RedisServerProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
        this.process = new ManagedProcess("redis-server", dir.resolve("redis.log"));
    }

    public static RedisServerProcess start() {
        try {
            RedisServerProcess redis = new RedisServerProcess(freePort(), Files.createTempDirectory("forge-redis"));
            redis.startAgain();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized void startAgain() {
        if (!process.start(List.of(
                "redis-server",
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--appendonly",
                "yes",
                "--save",
                ""))) {
            return;
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!accepts()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "redis-server on port " + port + " did not come up; see " + dir.resolve("redis.log"));
            }
            sleep(20);
        }
    }

    /** SIGTERM: Redis writes its append-only file and exits, as in a planned restart. */
    public void stop() {
        process.stop();
    }

    /** Kills the server abruptly, as a crash or a lost node would. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        kill();
    }

    private boolean accepts() {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
