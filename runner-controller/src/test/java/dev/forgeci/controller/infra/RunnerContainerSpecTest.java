package dev.forgeci.controller.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.MountType;

import dev.forgeci.controller.runner.Isolation;
import dev.forgeci.controller.runner.RunnerSpec;

/** The container a runner is, without an engine: limits, each isolation profile, the files' archive. */
class RunnerContainerSpecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> LABELS = Map.of("forge.run-id", "01RUN");

    @Test
    void everyProfileGetsTheLimitsInitAndItsOwnLabelledDataVolume() {
        for (Isolation isolation : Isolation.values()) {
            HostConfig host = RunnerContainerSpec.hostConfig(profile(isolation), "forge-01run-build-1", LABELS);

            assertThat(host.getNanoCPUs()).isEqualTo(1_500_000_000L);
            assertThat(host.getMemory()).isEqualTo(512L << 20);
            assertThat(host.getMemorySwap())
                    .as("no swap beyond the memory limit")
                    .isEqualTo(512L << 20);
            assertThat(host.getPidsLimit()).isEqualTo(256L);
            assertThat(host.getInit()).isTrue();
            assertThat(host.getLogConfig().getType().getType()).isEqualTo("none");
            assertThat(host.getMounts()).singleElement().satisfies(mount -> {
                assertThat(mount.getType()).isEqualTo(MountType.VOLUME);
                assertThat(mount.getSource()).isEqualTo("forge-01run-build-1");
                assertThat(mount.getTarget()).isEqualTo("/var/lib/docker");
                assertThat(mount.getVolumeOptions().getLabels()).isEqualTo(LABELS);
            });
        }
    }

    @Test
    void onlyThePrivilegedProfileIsPrivilegedAndSysboxOnlyChangesTheRuntime() {
        HostConfig privileged = RunnerContainerSpec.hostConfig(profile(Isolation.PRIVILEGED), "v", LABELS);
        HostConfig sysbox = RunnerContainerSpec.hostConfig(profile(Isolation.SYSBOX), "v", LABELS);

        assertThat(privileged.getPrivileged()).isTrue();
        assertThat(sysbox.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(sysbox.getRuntime()).isEqualTo("sysbox-runc");
        assertThat(sysbox.getCapAdd()).isNull();
        assertThat(sysbox.getBinds()).isEmpty();
    }

    @Test
    void theCapabilitiesProfileAddsAllButTheDroppedOnesAndUnmasksTheSystemPathsOnTheWire() {
        HostConfig host = RunnerContainerSpec.hostConfig(profile(Isolation.CAPABILITIES), "v", LABELS);

        assertThat(host.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(host.getCapAdd()).containsExactly(Capability.ALL);
        assertThat(host.getCapDrop()).containsExactly(Capability.SYS_MODULE, Capability.SYS_TIME);
        assertThat(host.getSecurityOpts()).containsExactly("seccomp=unconfined", "apparmor=unconfined");
        assertThat(host.getBinds()).singleElement().hasToString("/sys/fs/cgroup:/sys/fs/cgroup:rw");
        JsonNode wire = JSON.valueToTree(host);
        assertThat(wire.get("MaskedPaths"))
                .as("the CLI's systempaths=unconfined")
                .isEmpty();
        assertThat(wire.get("ReadonlyPaths")).isEmpty();
        assertThat(JSON.valueToTree(RunnerContainerSpec.hostConfig(profile(Isolation.SYSBOX), "v", LABELS))
                        .has("MaskedPaths"))
                .as("other profiles keep the engine's masked paths")
                .isFalse();
    }

    @Test
    void capabilitiesAreNamedAsTheCliNamesThem() {
        assertThat(RunnerContainerSpec.capability(" cap_sys_admin")).isEqualTo(Capability.SYS_ADMIN);
        assertThat(RunnerContainerSpec.capability("NET_RAW")).isEqualTo(Capability.NET_RAW);
        assertThatThrownBy(() -> RunnerContainerSpec.capability("EVERYTHING"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEnvironmentIsNameEqualsValue() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FORGE_NONCE", "n1");
        env.put("EMPTY", "");
        RunnerSpec spec = new RunnerSpec("r", LABELS, env, Map.of());

        assertThat(RunnerContainerSpec.env(spec)).containsExactly("FORGE_NONCE=n1", "EMPTY=");
    }

    @Test
    void theFilesArchiveCreatesEachParentDirectoryOncePrivateToRootBeforeTheFiles() throws Exception {
        Map<String, RunnerSpec.RunnerFile> files = new LinkedHashMap<>();
        files.put("forge/job/plan.json", new RunnerSpec.RunnerFile("{}".getBytes(StandardCharsets.UTF_8), 0600));
        files.put("forge/bin/agent", new RunnerSpec.RunnerFile("#!/bin/sh".getBytes(StandardCharsets.UTF_8), 0755));

        List<String> entries = new ArrayList<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new ByteArrayInputStream(RunnerContainerSpec.tar(files)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String content = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                entries.add(entry.getName() + " " + Integer.toOctalString(entry.getMode()) + " " + content);
            }
        }

        assertThat(entries)
                .containsExactly(
                        "forge/ 40700 ",
                        "forge/bin/ 40700 ",
                        "forge/job/ 40700 ",
                        "forge/job/plan.json 100600 {}",
                        "forge/bin/agent 100755 #!/bin/sh");
    }

    private static RunnerContainerSpec.Profile profile(Isolation isolation) {
        return new RunnerContainerSpec.Profile(
                "forge-runner:local", isolation, List.of("sys_module", "CAP_SYS_TIME"), 1.5, 512L << 20, 256, "none");
    }
}
