package dev.forgeci.controller.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgeci.controller.actions.ActionUnavailableException;
import dev.forgeci.controller.actions.FetchedAction;
import dev.forgeci.language.action.ActionReference;
import dev.forgeci.testkit.BareRepo;

/** Actions fetched by real git from a mirror and an upstream of bare repositories on disk. */
class GitActionSourceTest {

    private Path mirror;
    private Path upstream;
    private Path cache;

    @BeforeEach
    void directories() throws Exception {
        mirror = Files.createTempDirectory("forge-mirror");
        upstream = Files.createTempDirectory("forge-upstream");
        cache = Files.createTempDirectory("forge-action-cache");
    }

    private GitActionSource source(long maxBytes) {
        return new GitActionSource(
                Optional.of(mirror), List.of(upstream.toString()), cache, Duration.ofSeconds(30), maxBytes);
    }

    private static ActionReference.Remote action(String uses) {
        return (ActionReference.Remote) ActionReference.parse(uses);
    }

    @Test
    void aTagInTheMirrorIsFetchedAndItsTreeKeptByCommitWithItsExecutableBits() throws Exception {
        BareRepo greet = BareRepo.create(mirror.resolve("acme"), "greet");
        greet.commit(
                Map.of(
                        "action.yml",
                        "runs: {using: node20, main: index.js}\n",
                        "index.js",
                        "console.log('hi')\n",
                        "tools/run.sh",
                        "#!/bin/sh\n"),
                "v1");
        greet.makeExecutable("tools/run.sh");
        String v1 = greet.commit(Map.of("README.md", "greet\n"), "v1 readme");
        greet.tag("v1");

        FetchedAction fetched = source(1 << 20).fetch(action("acme/greet@v1"));

        assertThat(fetched.sha()).isEqualTo(v1);
        assertThat(fetched.tree()).isEqualTo(cache.resolve("trees/acme/greet/" + v1));
        assertThat(fetched.directory().resolve("index.js")).hasContent("console.log('hi')");
        assertThat(Files.isExecutable(fetched.tree().resolve("tools/run.sh"))).isTrue();
        assertThat(Files.isExecutable(fetched.tree().resolve("index.js"))).isFalse();
    }

    @Test
    void aPinnedCommitAlreadyFetchedIsNotFetchedAgainButABranchIsResolvedEachTime() throws Exception {
        BareRepo greet = BareRepo.create(mirror.resolve("acme"), "greet");
        String first = greet.commit(Map.of("sub/action.yml", "one\n"), "one");
        GitActionSource source = source(1 << 20);
        assertThat(source.fetch(action("acme/greet/sub@main")).sha()).isEqualTo(first);
        String second = greet.commit(Map.of("sub/action.yml", "two\n"), "two");

        FetchedAction moved = source.fetch(action("acme/greet/sub@main"));
        assertThat(moved.sha()).isEqualTo(second);
        assertThat(moved.directory().resolve("action.yml")).hasContent("two");

        deleteTree(mirror.resolve("acme"));
        FetchedAction pinned = source.fetch(action("acme/greet/sub@" + first));
        assertThat(pinned.directory().resolve("action.yml")).hasContent("one");
    }

    @Test
    void anActionTheMirrorLacksComesFromTheUpstream() {
        BareRepo setup = BareRepo.create(upstream.resolve("tools"), "setup");
        String head = setup.commit(Map.of("action.yml", "upstream\n"), "up");

        FetchedAction fetched = source(1 << 20).fetch(action("tools/setup@main"));

        assertThat(fetched.sha()).isEqualTo(head);
        assertThat(fetched.tree().resolve("action.yml")).hasContent("upstream");
    }

    @Test
    void aRadicleSeedIsAnUpstreamThroughItsTemplateOverSmartHttp() throws Exception {
        try (dev.forgeci.testkit.GitGateway seed =
                dev.forgeci.testkit.GitGateway.start(Files.createTempDirectory("forge-seed"), "127.0.0.1", 0)) {
            BareRepo action = BareRepo.create(seed.root(), "rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5");
            String head = action.commit(Map.of("lint/action.yml", "from the seed\n"), "seed");
            action.tag("v1");
            GitActionSource source = new GitActionSource(
                    Optional.empty(), List.of(seed.url() + "/{repo}.git"), cache, Duration.ofSeconds(30), 1 << 20);

            FetchedAction fetched = source.fetch(action("rad/z3gqcJUoA1n9HaHKufZs5FCSGazv5/lint@v1"));

            assertThat(fetched.sha()).isEqualTo(head);
            assertThat(fetched.tree().resolve("lint/action.yml")).hasContent("from the seed");
        }
    }

    @Test
    void anActionNoSourceHasFailsWithEverySourceTried() {
        BareRepo greet = BareRepo.create(mirror.resolve("acme"), "greet");
        greet.commit(Map.of("action.yml", "x\n"), "x");

        assertThatThrownBy(() -> source(1 << 20).fetch(action("acme/greet@v9")))
                .isInstanceOf(ActionUnavailableException.class)
                .hasMessageStartingWith(
                        "action acme/greet@v9 could not be fetched: tried " + mirror.resolve("acme/greet.git") + " (")
                .hasMessageContaining(upstream + "/acme/greet (");
        assertThatThrownBy(() -> source(1 << 20).fetch(action("nobody/nothing@v1")))
                .hasMessageContaining("the mirror " + mirror + " (no nobody/nothing.git)");
    }

    @Test
    void anActionLargerThanTheLimitIsRefusedAndLeavesNothingInTheCache() throws Exception {
        BareRepo big = BareRepo.create(mirror.resolve("acme"), "big");
        big.commit(Map.of("blob.txt", "x".repeat(200_000)), "big");

        assertThatThrownBy(() -> source(100_000).fetch(action("acme/big@main")))
                .hasMessage("action acme/big@main is larger than 0 MiB");
        try (var left = Files.list(cache.resolve("trees/acme/big"))) {
            assertThat(left).isEmpty();
        }
    }

    private static void deleteTree(Path directory) throws Exception {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void anUpstreamThatAcceptsAndNeverAnswersIsGivenUpOnWithinTheTimeoutAndSaidSo() throws Exception {
        try (java.net.ServerSocket silent =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            GitActionSource source = new GitActionSource(
                    Optional.empty(),
                    List.of("http://127.0.0.1:" + silent.getLocalPort()),
                    cache,
                    Duration.ofSeconds(2),
                    1 << 20);

            assertThatThrownBy(() -> source.fetch(action("acme/stuck@v1")))
                    .isInstanceOf(ActionUnavailableException.class)
                    .hasMessage("action acme/stuck@v1 could not be fetched: tried http://127.0.0.1:"
                            + silent.getLocalPort() + "/acme/stuck (no answer in 2 s)");
            assertThat(held).isNotEmpty();
        }
    }
}
