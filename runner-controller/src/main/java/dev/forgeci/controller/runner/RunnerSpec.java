package dev.forgeci.controller.runner;

import java.util.Map;

/**
 * What one job's runner is made of: a name for its container and volume, labels for both, the
 * container's environment, and the files copied in before it starts (path under / → file).
 */
public record RunnerSpec(
        String name, Map<String, String> labels, Map<String, String> env, Map<String, RunnerFile> files) {

    /** A file for the runner; {@code mode} as in chmod. */
    public record RunnerFile(byte[] content, int mode) {}
}
