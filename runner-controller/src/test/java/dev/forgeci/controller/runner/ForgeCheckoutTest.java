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
 * The runner image's checkout scripts, run by the host's sh and git. The set-up's checkout: the exact
 * commit, deep in the history, with a server that serves any commit (protocol v2) and with one that
 * only serves refs (v0); a patch from the peer's namespace URL when the seed serves neither the
 * commit nor the ref. The built-in actions/checkout on top of it: each of its inputs.
 */
class ForgeCheckoutTest {

    private static final Path SCRIPT = Path.of("../runner-image/forge-checkout").toAbsolutePath();
    private static final Path ACTION =
            Path.of("../runner-image/forge-checkout-action").toAbsolutePath();

    private static BareRepo repo;
    private static final List<String> commits = new ArrayList<>();

    @BeforeAll
    static void history() throws IOException {
        repo = BareRepo.create(Files.createTempDirectory("forge-checkout-repos"), "rad:z4CheckoutTest");
        for (int i = 1; i <= 120; i++) {
            commits.add(repo.commit(Map.of("n.txt", i + "\n"), "commit " + i));
            if (i == 100) {
                repo.tag("v1.0.0");
            }
        }
        repo.commit("feature", Map.of("feature.txt", "on the branch\n"), "feature work");
    }

    private record Result(int exit, String output) {}

    private static Result checkout(String commit, String ref, String protocol) throws Exception {
        return checkout(repo, commit, ref, protocol);
    }

    private static Result checkout(BareRepo seed, String commit, String ref, String protocol) throws Exception {
        Path workspace = Files.createTempDirectory("forge-workspace").resolve("ws");
        Result result =
                run(List.of("sh", SCRIPT.toString(), workspace.toString()), seed, commit, ref, protocol, Map.of());
        return result.exit() == 0
                ? new Result(0, result.output() + "HEAD=" + git(workspace, "rev-parse", "HEAD"))
                : result;
    }

    private static Result run(
            List<String> command, BareRepo seed, String commit, String ref, String protocol, Map<String, String> more)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("FORGE_CLONE_URL", "file://" + seed.bareDir());
        env.put("FORGE_COMMIT", commit);
        env.put("FORGE_REF", ref);
        env.put("GIT_CONFIG_COUNT", "2");
        env.put("GIT_CONFIG_KEY_0", "protocol.version");
        env.put("GIT_CONFIG_VALUE_0", protocol);
        // file:// would otherwise ignore --depth, and refuse submodules
        env.put("GIT_CONFIG_KEY_1", "protocol.file.allow");
        env.put("GIT_CONFIG_VALUE_1", "always");
        env.putAll(more);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** The job's workspace after its set-up, then actions/checkout with these inputs (INPUT_* as the controller sets them). */
    private static Result action(Path workspace, Map<String, String> inputs) throws Exception {
        return action(repo, workspace, commits.get(119), inputs);
    }

    private static Result action(BareRepo seed, Path workspace, String commit, Map<String, String> inputs)
            throws Exception {
        if (!Files.exists(workspace)) {
            assertThat(run(
                                    List.of("sh", SCRIPT.toString(), workspace.toString()),
                                    seed,
                                    commit,
                                    "refs/heads/main",
                                    "2",
                                    Map.of())
                            .exit())
                    .isZero();
        }
        Map<String, String> env = new java.util.HashMap<>(
                Map.of("GITHUB_WORKSPACE", workspace.toString(), "GITHUB_REPOSITORY", "rad:z4CheckoutTest"));
        inputs.forEach((name, value) ->
                env.put("INPUT_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'), value));
        return run(List.of("sh", ACTION.toString()), seed, commit, "refs/heads/main", "2", env);
    }

    private static Path workspace() throws IOException {
        return Files.createTempDirectory("forge-workspace").resolve("ws");
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
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

    @Test
    void checkoutWithoutInputsKeepsTheJobsCommitAndCleansWhatEarlierStepsLeft() throws Exception {
        Path workspace = workspace();
        action(workspace, Map.of());
        Files.writeString(workspace.resolve("n.txt"), "changed\n");
        Files.writeString(workspace.resolve("untracked.txt"), "left by a step\n");

        Result result = action(workspace, Map.of());

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(git(workspace, "rev-parse", "HEAD")).isEqualTo(commits.get(119));
        assertThat(Files.readString(workspace.resolve("n.txt"))).isEqualTo("120\n");
        assertThat(workspace.resolve("untracked.txt")).doesNotExist();
        assertThat(git(workspace, "rev-list", "--count", "HEAD")).isEqualTo("1");
    }

    @Test
    void cleanFalseKeepsWhatEarlierStepsLeft() throws Exception {
        Path workspace = workspace();
        action(workspace, Map.of());
        Files.writeString(workspace.resolve("untracked.txt"), "left by a step\n");

        Result result = action(workspace, Map.of("clean", "false"));

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(workspace.resolve("untracked.txt")).exists();
    }

    @Test
    void aBranchATagOrACommitIsCheckedOutInsteadOfTheJobsCommit() throws Exception {
        Path branch = workspace();
        assertThat(action(branch, Map.of("ref", "feature")).exit()).isZero();
        assertThat(branch.resolve("feature.txt")).hasContent("on the branch");

        Path tag = workspace();
        assertThat(action(tag, Map.of("ref", "v1.0.0")).exit()).isZero();
        assertThat(git(tag, "rev-parse", "HEAD")).isEqualTo(commits.get(99));

        Path sha = workspace();
        assertThat(action(sha, Map.of("ref", commits.get(4))).exit()).isZero();
        assertThat(git(sha, "rev-parse", "HEAD")).isEqualTo(commits.get(4));
        assertThat(sha.resolve("n.txt")).hasContent("5");
    }

    @Test
    void pathChecksOutIntoADirectoryOfTheWorkspaceAndNeverOutsideIt() throws Exception {
        Path workspace = workspace();

        Result result = action(workspace, Map.of("path", "./src/app/", "ref", "refs/heads/feature"));

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(workspace.resolve("src/app/feature.txt")).exists();
        assertThat(git(workspace.resolve("src/app"), "rev-parse", "HEAD")).isNotEqualTo(commits.get(119));
        for (String outside : List.of("../elsewhere", "/tmp/elsewhere", "src/../../elsewhere", "..")) {
            Result refused = action(workspace, Map.of("path", outside));
            assertThat(refused.exit()).as(outside).isNotZero();
            assertThat(refused.output()).contains("path '" + outside + "' is not under " + workspace);
        }
        assertThat(workspace.getParent().resolve("elsewhere")).doesNotExist();
    }

    @Test
    void fetchDepthZeroBringsAllHistoryEveryBranchAndEveryTag() throws Exception {
        Path workspace = workspace();

        Result result = action(workspace, Map.of("fetch-depth", "0"));

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(git(workspace, "rev-list", "--count", "HEAD")).isEqualTo("120");
        assertThat(git(workspace, "tag", "--list")).isEqualTo("v1.0.0");
        assertThat(git(workspace, "branch", "-r")).contains("origin/feature").contains("origin/main");
        assertThat(git(workspace, "rev-parse", "HEAD")).isEqualTo(commits.get(119));
    }

    @Test
    void fetchDepthNBringsThatManyCommitsAndFetchTagsTheTags() throws Exception {
        Path workspace = workspace();

        Result result = action(workspace, Map.of("fetch-depth", "7", "fetch-tags", "true"));

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(git(workspace, "rev-list", "--count", "HEAD")).isEqualTo("7");
        assertThat(git(workspace, "tag", "--list")).isEqualTo("v1.0.0");
    }

    @Test
    void submodulesAreCheckedOutRecursivelyWhenAsked() throws Exception {
        Path root = Files.createTempDirectory("forge-checkout-submodules");
        BareRepo inner = BareRepo.create(root, "rad:z4Inner");
        inner.commit(Map.of("inner.txt", "deepest\n"), "inner");
        BareRepo lib = BareRepo.create(root, "rad:z4Lib");
        lib.commit(Map.of("lib.txt", "library\n"), "lib");
        lib.submodule("vendor/inner", inner);
        BareRepo app = BareRepo.create(root, "rad:z4App");
        app.commit(Map.of("app.txt", "app\n"), "app");
        String head = app.submodule("lib", lib);

        Path without = workspace();
        assertThat(action(app, without, head, Map.of()).exit()).isZero();
        assertThat(without.resolve("lib/lib.txt")).doesNotExist();

        Path top = workspace();
        Result once = action(app, top, head, Map.of("submodules", "true"));
        assertThat(once.exit()).as(once.output()).isZero();
        assertThat(top.resolve("lib/lib.txt")).hasContent("library");
        assertThat(top.resolve("lib/vendor/inner/inner.txt")).doesNotExist();

        Path recursive = workspace();
        Result all = action(app, recursive, head, Map.of("submodules", "recursive"));
        assertThat(all.exit()).as(all.output()).isZero();
        assertThat(recursive.resolve("lib/vendor/inner/inner.txt")).hasContent("deepest");
    }

    @Test
    void inputsItCannotHonourFailWithASentence() throws Exception {
        Path workspace = workspace();
        action(workspace, Map.of());

        assertThat(action(workspace, Map.of("repository", "someone/else")).output())
                .contains(
                        "repository 'someone/else' cannot be checked out here: Forge checks out the job's own repository, rad:z4CheckoutTest");
        assertThat(action(workspace, Map.of("lfs", "true")).output()).contains("lfs: true needs git-lfs");
        assertThat(action(workspace, Map.of("fetch-depth", "$(id)")).output())
                .contains("input 'fetch-depth' must be a whole number of commits, not '$(id)'");
        assertThat(action(workspace, Map.of("submodules", "yes")).output())
                .contains("input 'submodules' must be true, false or recursive");
        assertThat(action(workspace, Map.of("ref", "no-such-branch")).output())
                .contains("ref 'no-such-branch' is not in");
        assertThat(action(workspace, Map.of("repository", "rad:z4CheckoutTest")).exit())
                .isZero();
    }
}
