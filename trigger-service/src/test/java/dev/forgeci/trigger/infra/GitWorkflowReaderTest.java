package dev.forgeci.trigger.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.trigger.TestEnvironment;
import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.infra.GitWorkflowReader.Snapshot;
import dev.forgeci.trigger.infra.GitWorkflowReader.WorkflowFile;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.run.TriggerRejected.Reason;
import dev.forgeci.trigger.workflow.WorkflowCompiler;
import io.quarkus.runtime.configuration.MemorySize;

/** The reader against real git over smart HTTP (testkit's gateway, i.e. git http-backend), and against seeds that misbehave. */
class GitWorkflowReaderTest {

    static GitGateway gateway;

    @BeforeAll
    static void serve() throws IOException {
        gateway = GitGateway.start(Files.createTempDirectory("forge-reader-seed"), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void readsTheYamlFilesOfBothWorkflowDirectoriesAtTheCommit() throws IOException {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String big = "# " + "x".repeat(WorkflowCompiler.MAX_FILE_BYTES) + "\n";
        String commit = repo.commit(
                Map.of(
                        ".forge/workflows/b.yml", "name: b\n",
                        ".forge/workflows/a.yaml", "name: a\n",
                        ".forge/workflows/big.yaml", big,
                        ".forge/workflows/notes.txt", "no",
                        ".forge/workflows/sub/c.yaml", "name: c\n",
                        ".forge/other.yaml", "name: other\n",
                        ".github/workflows/ci.yml", "name: gh\n",
                        ".github/dependabot.yml", "version: 2\n"),
                "workflows");
        repo.commit(Map.of(".forge/workflows/a.yaml", "name: changed later\n"), "later");

        Snapshot snapshot = reader(config()).read(url(rid), commit, null);

        assertThat(snapshot.commit()).isEqualTo(commit);
        assertThat(snapshot.files())
                .containsExactly(
                        new WorkflowFile(".forge/workflows/a.yaml", "name: a\n", 8),
                        new WorkflowFile(".forge/workflows/b.yml", "name: b\n", 8),
                        new WorkflowFile(".forge/workflows/big.yaml", null, big.length()),
                        new WorkflowFile(".github/workflows/ci.yml", "name: gh\n", 9));
        assertThat(reader(config()).resolve(url(rid), "refs/heads/main"))
                .isNotEqualTo(commit)
                .hasSize(40);
    }

    @Test
    void theFilesAChangeTouchedAreReadFromTheTreesAlone() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String before = repo.commit(Map.of("src/a.rs", "a\n", "docs/guide.md", "g\n"), "first");
        String after = repo.commit(Map.of("src/a.rs", "changed\n", "README.md", "new\n"), "second");

        assertThat(reader(config()).changedFiles(url(rid), before, after, 100))
                .containsExactly("README.md", "src/a.rs");
        assertThat(reader(config()).changedFiles(url(rid), before, after, 1)).containsExactly("README.md");
        assertThat(reader(config()).changedFiles(url(rid), "0123456789abcdef0123456789abcdef01234567", after, 100))
                .isNull();
    }

    @Test
    void aSeedThatRefusesCommitsByIdIsAskedForTheRefAndDeepened() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String old = repo.commit(Map.of(".forge/workflows/ci.yaml", "name: old\n"), "old");
        for (int i = 0; i < 12; i++) {
            repo.commit(Map.of(".forge/workflows/ci.yaml", "name: new " + i + "\n"), "new " + i);
        }
        // Protocol v0 servers only serve advertised tips by id, as strict seeds do.
        GitWorkflowReader strict = reader(config().protocolVersion(0));

        Snapshot snapshot = strict.read(url(rid), old, "refs/heads/main");
        assertThat(snapshot.commit()).isEqualTo(old);
        assertThat(snapshot.files()).extracting(WorkflowFile::text).containsExactly("name: old\n");

        assertThat(failure(() -> strict.read(url(rid), old, null))).satisfies(e -> {
            assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
            assertThat(e).hasMessage("commit " + old + " was not found at " + url(rid));
        });
        assertThat(failure(
                        () -> reader(config().protocolVersion(0).maxDeepen(5)).read(url(rid), old, "refs/heads/main")))
                .hasMessage("commit " + old + " is not among the last 5 commits of refs/heads/main at " + url(rid));
    }

    @Test
    void aSnapshotLargerThanTheLimitIsAbandoned() {
        String rid = TestEnvironment.newRepositoryId();
        byte[] noise = new byte[1024 * 1024];
        new SecureRandom().nextBytes(noise);
        String commit = BareRepo.create(gateway.root(), rid)
                .commit(
                        Map.of(
                                ".forge/workflows/ci.yaml",
                                "name: ci\n",
                                "noise.hex",
                                HexFormat.of().formatHex(noise)),
                        "big");

        assertThat(failure(() -> reader(config().maxBytes(256 * 1024)).read(url(rid), commit, null)))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(Reason.SOURCE_TOO_LARGE);
                    assertThat(e)
                            .hasMessage(
                                    "the commit's snapshot is larger than the 256 KiB this server fetches to read workflows");
                });
    }

    @Test
    void aSeedThatDoesNotAnswerIsGivenUpOnInTime() throws IOException {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/z4SilentSeedRepo.git";

            long started = System.nanoTime();
            TriggerRejected e = failure(
                    () -> reader(config().timeout(Duration.ofSeconds(2))).read(url, null, "refs/heads/main"));
            assertThat(e.reason()).isEqualTo(Reason.SEED_UNREACHABLE);
            assertThat(e).hasMessage("reading workflows from the seed took longer than 2 s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aSeedThatIsDownIsUnreachable() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        TriggerRejected e = failure(
                () -> reader(config()).read("http://127.0.0.1:" + port + "/z4Down.git", null, "refs/heads/main"));
        assertThat(e.reason()).isEqualTo(Reason.SEED_UNREACHABLE);
        assertThat(e.getMessage())
                .startsWith("reading ref refs/heads/main from http://127.0.0.1:" + port
                        + "/z4Down.git failed: fatal: unable to access");
    }

    // ----------------------------------------------------------------------------------------------

    private static String url(String rid) {
        return TestEnvironment.cloneUrl(gateway, rid);
    }

    private static GitWorkflowReader reader(Git config) {
        return new GitWorkflowReader(config);
    }

    private static TriggerRejected failure(Runnable read) {
        return catchThrowableOfType(TriggerRejected.class, read::run);
    }

    private static Git config() {
        return new Git(
                Duration.ofSeconds(20), new MemorySize(BigInteger.valueOf(100L << 20)), 1000, 20, Optional.empty());
    }

    /** forge.git.* as a record, with withers for the one setting a test changes. */
    static Git defaults() {
        return config();
    }

    record Git(
            Duration timeout,
            MemorySize maxBytes,
            int maxDeepen,
            int maxWorkflowFiles,
            Optional<Integer> protocolVersion)
            implements ForgeConfig.Git {

        Git timeout(Duration value) {
            return new Git(value, maxBytes, maxDeepen, maxWorkflowFiles, protocolVersion);
        }

        Git maxBytes(long value) {
            return new Git(
                    timeout, new MemorySize(BigInteger.valueOf(value)), maxDeepen, maxWorkflowFiles, protocolVersion);
        }

        Git maxDeepen(int value) {
            return new Git(timeout, maxBytes, value, maxWorkflowFiles, protocolVersion);
        }

        Git protocolVersion(int value) {
            return new Git(timeout, maxBytes, maxDeepen, maxWorkflowFiles, Optional.of(value));
        }
    }
}
