package dev.forgeci.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The floor the benchmarks measure job start-up against: a bare {@code docker run} of the runner
 * image with the flags of the {@code capabilities} profile and a fresh volume for its inner engine,
 * printing one line through the image's own entrypoint (which starts that engine first).
 */
public final class BareRunner {

    /** What the runner-controller's capabilities profile gives a runner, as docker CLI flags. */
    public static final List<String> CAPABILITIES_FLAGS = List.of(
            "--init",
            "--cpus",
            "1",
            "--memory",
            "512m",
            "--memory-swap",
            "512m",
            "--cap-add",
            "ALL",
            "--cap-drop",
            "SYS_RESOURCE",
            "--security-opt",
            "seccomp=unconfined",
            "--security-opt",
            "apparmor=unconfined",
            "--security-opt",
            "systempaths=unconfined",
            "--device-cgroup-rule",
            "a *:* rwm",
            "-v",
            "/sys/fs/cgroup:/sys/fs/cgroup:rw");

    private BareRunner() {}

    /** Nanoseconds from starting {@code docker run <runner image> echo <line>} to reading the line. */
    public static long runToFirstLine(String line) {
        String volume = "forge-bench-" + UUID.randomUUID();
        List<String> command = new ArrayList<>(List.of("docker", "run", "--rm"));
        command.addAll(CAPABILITIES_FLAGS);
        command.addAll(List.of("-v", volume + ":/var/lib/docker", TestInfra.runnerImage(), "echo", line));
        try {
            return timeToFirstLine(command, line);
        } finally {
            run(List.of("docker", "volume", "rm", "-f", volume));
        }
    }

    /** The same for a container of the image that starts nothing and only echoes: below any runner's start-up. */
    public static long echoOnlyToFirstLine(String line) {
        return timeToFirstLine(
                List.of("docker", "run", "--rm", "--entrypoint", "/bin/echo", TestInfra.runnerImage(), line), line);
    }

    private static long timeToFirstLine(List<String> command, String line) {
        try {
            long started = System.nanoTime();
            Process docker = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(docker.getInputStream(), StandardCharsets.UTF_8))) {
                String first = out.readLine();
                long elapsed = System.nanoTime() - started;
                if (!line.equals(first)) {
                    throw new IllegalStateException(String.join(" ", command) + " printed " + first);
                }
                docker.waitFor(30, TimeUnit.SECONDS);
                return elapsed;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command) {
        try {
            new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
