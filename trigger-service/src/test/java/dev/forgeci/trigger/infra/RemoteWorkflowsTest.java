package dev.forgeci.trigger.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgeci.language.action.ActionReference;
import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.trigger.workflow.CalledWorkflows;

/** Called workflows of other repositories, from a mirror of bare repositories and from an upstream over smart HTTP, with real git. */
class RemoteWorkflowsTest {

    private static final String GREET = "on: {workflow_call: {}}\njobs: {}\n";

    static GitGateway upstream;
    static Path mirror;
    static String pinned;

    @BeforeAll
    static void sources() throws IOException {
        upstream = GitGateway.start(Files.createTempDirectory("forge-upstream"), "127.0.0.1", 0);
        mirror = Files.createTempDirectory("forge-mirror");
        BareRepo mirrored = BareRepo.create(mirror.resolve("acme"), "shared");
        mirrored.commit(Map.of(".github/workflows/greet.yml", "# from the mirror\n" + GREET), "greet");
        mirrored.tag("v1");
        BareRepo served = BareRepo.create(upstream.root().resolve("acme"), "other");
        pinned = served.commit(Map.of(".github/workflows/deploy.yml", "# from upstream\n" + GREET), "deploy");
        served.tag("v2");
        // github.com serves owner/repo without the .git the seed layout adds.
        Files.createSymbolicLink(
                upstream.root().resolve("acme/other"), upstream.root().resolve("acme/other.git"));
        Files.createSymbolicLink(
                upstream.root().resolve("acme/shared"), upstream.root().resolve("acme/other.git"));
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    private static RemoteWorkflows remote() {
        return new RemoteWorkflows(
                new GitWorkflowReader(GitWorkflowReaderTest.defaults()), Optional.of(mirror), List.of(upstream.url()));
    }

    private static CalledWorkflows.Lookup find(String uses) {
        return remote().find((ActionReference.Remote) ActionReference.parse(uses));
    }

    @Test
    void theMirrorIsReadFirstByTagThenTheUpstreamByTagOrCommit() {
        assertThat(find("acme/shared/.github/workflows/greet.yml@v1"))
                .isEqualTo(new CalledWorkflows.Found(
                        "acme/shared/.github/workflows/greet.yml@v1", "# from the mirror\n" + GREET));
        assertThat(find("acme/other/.github/workflows/deploy.yml@v2"))
                .isEqualTo(new CalledWorkflows.Found(
                        "acme/other/.github/workflows/deploy.yml@v2", "# from upstream\n" + GREET));
        assertThat(find("acme/other/.github/workflows/deploy.yml@" + pinned)).isInstanceOf(CalledWorkflows.Found.class);
    }

    @Test
    void whatNoSourceHasIsMissingWithEverySourceTriedAndWhy() {
        CalledWorkflows.Lookup missing = find("acme/shared/.github/workflows/nope.yml@v1");
        assertThat(missing).isInstanceOf(CalledWorkflows.Missing.class);
        assertThat(((CalledWorkflows.Missing) missing).reason())
                .startsWith(
                        "tried the mirror (no .github/workflows/nope.yml at v1), " + upstream.url() + "/acme/shared (");
        assertThat(((CalledWorkflows.Missing) find("acme/other/.github/workflows/deploy.yml@v9")).reason())
                .startsWith("tried the mirror (no acme/other.git), " + upstream.url()
                        + "/acme/other (ref v9 was not found");
    }
}
