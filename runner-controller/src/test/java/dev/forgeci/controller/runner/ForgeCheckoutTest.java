package dev.forgeci.controller.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.BareRepo;

/**
 * The runner image's checkout script, run by the host's sh and git: the exact commit, deep in the
 * history, with a server that serves any commit (protocol v2) and with one that only serves refs (v0);
 * a patch from the peer's namespace URL when the seed serves neither the commit nor the ref.
 */
class ForgeCheckoutTest {

    private static final Path SCRIPT = Path.of("../runner-image/forge-checkout").toAbsolutePath();

    private static BareRepo repo;
    private static final List<String> commits = new ArrayList<>();

    @BeforeAll
    static void history() throws IOException {
        repo = BareRepo.create(Files.createTempDirectory("forge-checkout-repos"), "rad:z4CheckoutTest");
        for (int i = 1; i <= 120; i++) {
            commits.add(repo.commit(Map.of("n.txt", i + "\n"), "commit " + i));
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result checkout(String commit, String ref, String protocol) throws Exception {
        return checkout(repo, commit, ref, protocol);
    }

    private static Result checkout(BareRepo seed, String commit, String ref, String protocol) throws Exception {
        Path workspace = Files.createTempDirectory("forge-workspace").resolve("ws");
        ProcessBuilder builder = new ProcessBuilder("sh", SCRIPT.toString(), workspace.toString()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("FORGE_CLONE_URL", "file://" + seed.bareDir());
        env.put("FORGE_COMMIT", commit);
        env.put("FORGE_REF", ref);
        env.put("GIT_CONFIG_COUNT", "2");
        env.put("GIT_CONFIG_KEY_0", "protocol.version");
        env.put("GIT_CONFIG_VALUE_0", protocol);
        // file:// would otherwise ignore --depth
        env.put("GIT_CONFIG_KEY_1", "protocol.file.allow");
        env.put("GIT_CONFIG_VALUE_1", "always");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (process.exitValue() == 0) {
            Process head = new ProcessBuilder("git", "-C", workspace.toString(), "rev-parse", "HEAD").start();
            output += "HEAD=" + new String(head.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        return new Result(process.exitValue(), output);
    }

    @Test
    void aServerThatServesAnyCommitGivesJustThatCommit() throws Exception {
        Result result = checkout(commits.get(9), "refs/heads/main", "2");

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("HEAD=" + commits.get(9));
    }

    @Test
    void aServerThatServesOnlyRefsIsDeepenedUntilTheCommitIsThere() throws Exception {
        Result result = checkout(commits.get(9), "refs/heads/main", "0");

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("HEAD=" + commits.get(9));
    }

    @Test
    void aPatchTheSeedDoesNotServeByIdComesFromThePeersNamespaceUrl() throws Exception {
        String nid = "z6MkltRpzcq2ybm13yQpyre58JUeMvZY6toxoZVpLZ8YabRa";
        String patch = "731309bf14ee65adb1287a45121b016ee3a06f03";
        BareRepo seed = BareRepo.create(Files.createTempDirectory("forge-checkout-seed"), "rad:z4PatchSeed");
        seed.commit(Map.of("README.md", "canonical\n"), "canonical");
        // what radicle-httpd serves at <rid>.git/<nid>/: the peer's refs, its patch branch among them
        BareRepo peer = BareRepo.create(seed.bareDir(), "rad:" + nid);
        String head = peer.commit("patches/" + patch, Map.of("README.md", "the patch\n"), "the patch");

        Result result = checkout(seed, head, "refs/namespaces/" + nid + "/refs/heads/patches/" + patch, "0");

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("HEAD=" + head);
    }

    @Test
    void aCommitThatIsNotThereFailsWithASentence() throws Exception {
        Result result = checkout("0123456789abcdef0123456789abcdef01234567", "refs/heads/main", "0");

        assertThat(result.exit()).isNotZero();
        assertThat(result.output()).contains("is not in refs/heads/main");
    }
}
