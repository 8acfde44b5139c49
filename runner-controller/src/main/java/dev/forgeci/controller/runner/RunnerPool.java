package dev.forgeci.controller.runner;

import java.util.Locale;
import java.util.Optional;

/**
 * Which runs a controller's runners serve. The scheduler routes a run's jobs by trust to one topic
 * per pool; a controller also refuses a job of the other trust, so a record that reached the wrong
 * topic (replayed, or produced by a misconfigured client) never runs beside the other pool's work.
 */
public enum RunnerPool {

    /** Delegates' pushes and patches, manual runs, schedules: the repository's secrets are theirs. */
    TRUSTED,
    /** Anyone else's patch: no secrets, and an isolation that contains root. */
    UNTRUSTED;

    public static RunnerPool parse(String value) {
        return switch (value) {
            case "trusted" -> TRUSTED;
            case "untrusted" -> UNTRUSTED;
            default ->
                throw new IllegalArgumentException("forge.controller.pool must be trusted or untrusted, not " + value);
        };
    }

    public boolean serves(boolean trustedRun) {
        return trustedRun == (this == TRUSTED);
    }

    /**
     * Why this pool must not run with that isolation: privileged and capabilities both hand a job
     * root over the host's kernel (devices, or every capability with no seccomp and a writable
     * cgroupfs), which is fine for a delegate's code and not for a stranger's.
     */
    public Optional<String> isolationProblem(Isolation isolation) {
        if (this == UNTRUSTED && isolation != Isolation.SYSBOX) {
            return Optional.of("an untrusted runner pool with " + isolation.label()
                    + " isolation gives a stranger's patch root over this host's kernel; use sysbox");
        }
        return Optional.empty();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
