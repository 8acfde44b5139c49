package dev.forgeci.controller.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the controller finds a job's secrets: folders on a host, flat files from a Kubernetes Secret volume. */
class SecretStoreTest {

    private static final String RID = "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5";

    @TempDir
    Path parent;

    private Path dir;

    @BeforeEach
    void secretsFolder() {
        dir = parent.resolve("secrets");
    }

    @Test
    void aRepositorysOwnSecretWinsOverTheGlobalOneAndTheTrailingNewlineIsDropped() throws IOException {
        write("z3gqcJUoA1n9HaHKufZs5FCSGazv5/NPM_TOKEN", "own\n");
        write("_global/NPM_TOKEN", "global");
        write("_global/REGISTRY", "shared\r\n");

        SecretStore.Resolved resolved = new SecretStore(dir).resolve(RID, List.of("NPM_TOKEN", "REGISTRY", "ABSENT"));

        assertThat(resolved.values())
                .containsEntry("NPM_TOKEN", "own")
                .containsEntry("REGISTRY", "shared")
                .hasSize(2);
        assertThat(resolved.missing()).containsExactly("ABSENT");
    }

    @Test
    void aKubernetesSecretsFlatKeysAreReadTooWithTheSameOrder() throws IOException {
        // kubectl create secret generic forge-job-secrets --from-literal=_global.NPM_TOKEN=… mounts these files.
        write("z3gqcJUoA1n9HaHKufZs5FCSGazv5.NPM_TOKEN", "own");
        write("_global.NPM_TOKEN", "global");
        write("_global.DEPLOY_KEY", "deploy");

        SecretStore.Resolved resolved = new SecretStore(dir).resolve(RID, List.of("NPM_TOKEN", "DEPLOY_KEY"));
        SecretStore.Resolved elsewhere =
                new SecretStore(dir).resolve("rad:z4V1sjrXqjvFdnCUbxPFqd5p4DtH5", List.of("NPM_TOKEN"));

        assertThat(resolved.values()).containsEntry("NPM_TOKEN", "own").containsEntry("DEPLOY_KEY", "deploy");
        assertThat(elsewhere.values()).containsEntry("NPM_TOKEN", "global");
    }

    @Test
    void namesAndRepositoryIdsThatCouldLeaveTheDirectoryFindNothing() throws IOException {
        write("_global/TOKEN", "global");
        Files.writeString(parent.resolve("TOKEN"), "outside");

        SecretStore.Resolved resolved = new SecretStore(dir).resolve("rad:z../..", List.of("../TOKEN", "TOKEN"));

        assertThat(resolved.values()).containsExactly(Map.entry("TOKEN", "global"));
        assertThat(resolved.missing()).containsExactly("../TOKEN");
    }

    private void write(String relative, String value) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value);
    }
}
