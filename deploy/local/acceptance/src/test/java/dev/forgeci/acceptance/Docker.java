package dev.forgeci.acceptance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the Docker engine holds for Forge CI, by the labels every runner container and volume carries. */
final class Docker {

    private Docker() {}

    static List<String> containersOf(String runId) {
        return lines("docker", "ps", "-aq", "--filter", "label=forge.run-id=" + runId);
    }

    static List<String> volumesOf(String runId) {
        return lines("docker", "volume", "ls", "-q", "--filter", "label=forge.run-id=" + runId);
    }

    /** Everything the stack's controllers (both pools) created and have not removed. */
    static List<String> leftovers() {
        List<String> all = new java.util.ArrayList<>();
        for (String controller : List.of(ForgeStack.CONTROLLER_ID, ForgeStack.UNTRUSTED_CONTROLLER_ID)) {
            all.addAll(lines("docker", "ps", "-aq", "--filter", "label=forge.controller-id=" + controller));
            all.addAll(lines("docker", "volume", "ls", "-q", "--filter", "label=forge.controller-id=" + controller));
        }
        return all;
    }

    private static List<String> lines(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
