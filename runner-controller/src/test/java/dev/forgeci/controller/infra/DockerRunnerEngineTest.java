package dev.forgeci.controller.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.dockerjava.api.DockerClient;

import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.runner.Isolation;
import dev.forgeci.controller.runner.JobFiles;
import dev.forgeci.controller.runner.OwnedRunner;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.RunnerExit;
import dev.forgeci.controller.runner.RunnerLabels;
import dev.forgeci.controller.runner.RunnerOutput;
import dev.forgeci.controller.runner.RunnerSpec;
import dev.forgeci.testkit.TestInfra;

/** The Docker adapter against the real daemon and the real runner image. */
class DockerRunnerEngineTest {

    private static final DockerClient DOCKER = DockerClientProducer.create("unix:///var/run/docker.sock");
    private static final String CONTROLLER = "test-engine-" + UUID.randomUUID();

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private static DockerRunnerEngine engine(Isolation isolation, String image) {
        return new DockerRunnerEngine(DOCKER,
                new DockerRunnerEngine.Profile(image, isolation, List.of("SYS_RESOURCE"), 1, 256L << 20, 512, "none"));
    }

    private static RunnerSpec spec(String run) {
        JobDispatched.Job job = new JobDispatched.Job("j", "j", null, null, null, null, null,
                List.of(new JobDispatched.Step(1, "s", run, "bash", "", null, null, null, "success")));
        String name = "forge-engine-test-" + UUID.randomUUID();
        Map<String, String> labels = Map.of(RunnerLabels.CONTROLLER_ID, CONTROLLER, RunnerLabels.RUN_ID, "01ENGINE",
                RunnerLabels.JOB_ID, name, RunnerLabels.ATTEMPT, "3");
        return new RunnerSpec(name, labels, Map.of("FORGE_GREETING", "hi"), JobFiles.of(job, Map.of(), "n0nce").files());
    }

    private synchronized void collect(RunnerOutput.Stream stream, byte[] data, int offset, int length) {
        (stream == RunnerOutput.Stream.STDOUT ? stdout : stderr).write(data, offset, length);
    }

    @AfterEach
    void removeLeftovers() {
        engine(Isolation.CAPABILITIES, TestInfra.runnerImage()).owned(CONTROLLER)
                .forEach(owned -> engine(Isolation.CAPABILITIES, TestInfra.runnerImage()).remove(new Runner(owned.containerId(), owned.volume())));
    }

    @AfterAll
    static void close() throws Exception {
        DOCKER.close();
    }

    @Test
    void aRunnerRunsTheAgentWithItsFilesAndStreamsBothOutputsUntilItExits() throws Exception {
        DockerRunnerEngine engine = engine(Isolation.CAPABILITIES, TestInfra.runnerImage());
        Runner runner = engine.create(spec("echo \"$FORGE_GREETING on stdout\"; echo 'on stderr' >&2; exit 4"));

        List<OwnedRunner> owned = engine.owned(CONTROLLER);
        assertThat(owned).extracting(OwnedRunner::containerId).containsExactly(runner.containerId());
        assertThat(owned.get(0).volume()).isEqualTo(runner.volume());
        assertThat(owned.get(0).job()).isEqualTo(new JobKey("01ENGINE", runner.volume(), 3));

        engine.start(runner, this::collect).toCompletableFuture().get(60, TimeUnit.SECONDS);
        RunnerExit exit = engine.awaitExit(runner);

        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("hi on stdout").contains("##forge[n0nce] job-end failure 4 step 1");
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("on stderr").doesNotContain("on stdout");
        assertThat(exit).isEqualTo(new RunnerExit(4, false));
        engine.remove(runner);
        assertThat(engine.owned(CONTROLLER)).isEmpty();
        assertThat(DOCKER.listVolumesCmd().exec().getVolumes()).noneMatch(volume -> volume.getName().equals(runner.volume()));
    }

    @Test
    void stopEndsARunnerWithinItsGracePeriod() throws Exception {
        DockerRunnerEngine engine = engine(Isolation.CAPABILITIES, TestInfra.runnerImage());
        Runner runner = engine.create(spec("echo sleeping; sleep 600"));
        var output = engine.start(runner, this::collect).toCompletableFuture();

        long started = System.nanoTime();
        engine.stop(runner, Duration.ofSeconds(10));
        output.get(30, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("job-end cancelled 143");
        engine.remove(runner);
    }

    @Test
    void aMissingImageIsPulledAndWhenThatFailsReportedInTheDaemonsWordsLeavingNothingBehind() {
        // a name no registry serves: the pull is really attempted and really refused
        DockerRunnerEngine engine = engine(Isolation.CAPABILITIES, "forge-runner:does-not-exist");

        assertThatThrownBy(() -> engine.create(spec("true"))).isInstanceOf(RunnerException.class)
                .hasMessageStartingWith("runner image forge-runner:does-not-exist is not on the engine and could not be pulled: ");
        assertThat(engine.owned(CONTROLLER)).isEmpty();
    }

    @Test
    void aProfileTheHostRefusesIsReportedInTheDaemonsWords() {
        // This machine's kernel refuses --privileged, and has no sysbox runtime.
        DockerRunnerEngine privileged = engine(Isolation.PRIVILEGED, TestInfra.runnerImage());
        Runner runner = privileged.create(spec("true"));
        assertThatThrownBy(() -> privileged.start(runner, this::collect)).isInstanceOf(RunnerException.class)
                .hasMessageContaining("caps");
        privileged.remove(runner);

        assertThatThrownBy(() -> engine(Isolation.SYSBOX, TestInfra.runnerImage()).create(spec("true")))
                .isInstanceOf(RunnerException.class).hasMessageContaining("sysbox-runc");
    }
}
