package dev.forgeci.controller.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.VolumeOptions;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.runner.Isolation;
import dev.forgeci.controller.runner.RunnerSpec;

/**
 * What a runner container is, as Docker's API wants it: a {@link RunnerSpec} and the operator's
 * {@link Profile} translated into the environment, host configuration and file archive of one
 * container. Pure: {@link DockerRunnerEngine} owns the calls and the lifecycle around them.
 */
final class RunnerContainerSpec {

    /** Where the inner Docker keeps its data: a volume of its own, since overlay2 cannot sit on overlay. */
    static final String DOCKER_DATA = "/var/lib/docker";

    private static final String CGROUP_FS = "/sys/fs/cgroup";

    /** How every runner container is made, from {@code forge.runner.*}. */
    record Profile(
            String image,
            Isolation isolation,
            List<String> capDrop,
            double cpus,
            long memoryBytes,
            long pidsLimit,
            String logDriver) {

        static Profile from(ControllerConfig.Runner runner) {
            return new Profile(
                    runner.image(),
                    Isolation.parse(runner.isolation()),
                    runner.capDrop(),
                    runner.cpus(),
                    runner.memory().asLongValue(),
                    runner.pidsLimit(),
                    runner.logDriver());
        }
    }

    private RunnerContainerSpec() {}

    static List<String> env(RunnerSpec spec) {
        return spec.env().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
    }

    /**
     * Limits, init, the inner engine's data volume (named as the container, labelled as it) and the
     * isolation profile: privileged, sysbox's runtime, or every capability but the dropped ones with
     * the confinement an inner dockerd cannot work under lifted.
     */
    static HostConfig hostConfig(Profile profile, String volume, Map<String, String> labels) {
        List<Bind> binds = new ArrayList<>();
        HostConfig host = (profile.isolation() == Isolation.CAPABILITIES
                        ? new UnconfinedPathsHostConfig()
                        : new HostConfig())
                .withNanoCPUs(Math.round(profile.cpus() * 1e9))
                .withMemory(profile.memoryBytes())
                .withMemorySwap(profile.memoryBytes())
                .withPidsLimit(profile.pidsLimit())
                // docker-init as PID 1 passes docker stop's SIGTERM to the agent and reaps orphans.
                .withInit(true)
                .withLogConfig(new LogConfig(LogConfig.LoggingType.fromValue(profile.logDriver())))
                .withMounts(List.of(new Mount()
                        .withType(MountType.VOLUME)
                        .withSource(volume)
                        .withTarget(DOCKER_DATA)
                        .withVolumeOptions(new VolumeOptions().withLabels(labels))));
        switch (profile.isolation()) {
            case PRIVILEGED -> host.withPrivileged(true);
            case SYSBOX -> host.withRuntime("sysbox-runc");
            case CAPABILITIES -> {
                host.withCapAdd(Capability.ALL)
                        .withCapDrop(profile.capDrop().stream()
                                .map(RunnerContainerSpec::capability)
                                .toArray(Capability[]::new))
                        .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"))
                        .withDeviceCgroupRules(List.of("a *:* rwm"));
                binds.add(Bind.parse(CGROUP_FS + ":" + CGROUP_FS + ":rw"));
            }
        }
        return host.withBinds(binds);
    }

    /**
     * {@code --security-opt systempaths=unconfined} is no security option on the wire: the CLI sends
     * empty MaskedPaths and ReadonlyPaths, which docker-java's HostConfig cannot express. The inner
     * dockerd needs /proc/sys writable (network sysctls).
     */
    static final class UnconfinedPathsHostConfig extends HostConfig {

        @JsonProperty("MaskedPaths")
        private final List<String> maskedPaths = List.of();

        @JsonProperty("ReadonlyPaths")
        private final List<String> readonlyPaths = List.of();
    }

    /** {@code CAP_SYS_ADMIN}, {@code sys_admin} and {@code SYS_ADMIN} name the same capability, as for the CLI. */
    static Capability capability(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return Capability.valueOf(upper.startsWith("CAP_") ? upper.substring(4) : upper);
    }

    /** The job's files as a tar archive rooted at /, directories first, private to root. */
    static byte[] tar(Map<String, RunnerSpec.RunnerFile> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            Set<String> directories = new TreeSet<>();
            for (String path : files.keySet()) {
                for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                    directories.add(path.substring(0, slash + 1));
                }
            }
            for (String directory : directories) {
                TarArchiveEntry entry = new TarArchiveEntry(directory);
                entry.setMode(040700);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, RunnerSpec.RunnerFile> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setMode(0100000 | file.getValue().mode());
                entry.setSize(file.getValue().content().length);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue().content());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
