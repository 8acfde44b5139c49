package dev.forgeci.controller.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
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

import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.runner.Attachment;
import dev.forgeci.controller.runner.Isolation;
import dev.forgeci.controller.runner.OwnedRunner;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.RunnerExit;
import dev.forgeci.controller.runner.RunnerLabels;
import dev.forgeci.controller.runner.RunnerOutput;
import dev.forgeci.controller.runner.RunnerSpec;
import dev.forgeci.controller.runner.StepFiles;
import dev.forgeci.testkit.TestInfra;

/** The Docker adapter against the real daemon and the real runner image. */
class DockerRunnerEngineTest {

    private static final DockerClient DOCKER = DockerClientProducer.create("unix:///var/run/docker.sock");
    private static final String CONTROLLER = "test-engine-" + UUID.randomUUID();

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private static DockerRunnerEngine engine(Isolation isolation, String image) {
        return new DockerRunnerEngine(DOCKER, profile(isolation, image), Duration.ofSeconds(60));
    }

    private static RunnerContainerSpec.Profile profile(Isolation isolation, String image) {
        return new RunnerContainerSpec.Profile(image, isolation, List.of("SYS_RESOURCE"), 1, 256L << 20, 512, "none");
    }

    private static RunnerSpec spec() {
        String name = "forge-engine-test-" + UUID.randomUUID();
        Map<String, String> labels = Map.of(
                RunnerLabels.CONTROLLER_ID,
                CONTROLLER,
                RunnerLabels.RUN_ID,
                "01ENGINE",
                RunnerLabels.JOB_ID,
                name,
                RunnerLabels.ATTEMPT,
                "3");
        return new RunnerSpec(name, labels, Map.of("FORGE_GREETING", "hi"), StepFiles.initial("n0nce", "{}"));
    }

    /** Writes a step's files into the running runner and asks its agent to run it. */
    private static void run(DockerRunnerEngine engine, Runner runner, Attachment agent, int index, String script) {
        Map<String, String> env = Map.of(
                "GITHUB_OUTPUT",
                StepFiles.IO + index + "/output",
                "GITHUB_STEP_SUMMARY",
                StepFiles.IO + index + "/summary");
        engine.copyIn(
                runner,
                StepFiles.step(String.valueOf(index), env, List.of(), "bash", "", script)
                        .files());
        agent.send("run " + index + " 0");
    }

    private String out() {
        synchronized (this) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    private void awaitOut(String text) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> out().contains(text));
    }

    private synchronized void collect(RunnerOutput.Stream stream, byte[] data, int offset, int length) {
        (stream == RunnerOutput.Stream.STDOUT ? stdout : stderr).write(data, offset, length);
    }

    @AfterEach
    void removeLeftovers() {
        engine(Isolation.CAPABILITIES, TestInfra.runnerImage())
                .owned(CONTROLLER)
                .forEach(owned -> engine(Isolation.CAPABILITIES, TestInfra.runnerImage())
                        .remove(new Runner(owned.containerId(), owned.volume())));
    }

    @AfterAll
    static void close() throws Exception {
        DOCKER.close();
    }

    @Test
    void aRunnerRunsTheStepsItsAgentIsGivenStreamsBothOutputsAndHandsBackTheRuntimeFiles() throws Exception {
        DockerRunnerEngine engine = engine(Isolation.CAPABILITIES, TestInfra.runnerImage());
        Runner runner = engine.create(spec());

        List<OwnedRunner> owned = engine.owned(CONTROLLER);
        assertThat(owned).extracting(OwnedRunner::containerId).containsExactly(runner.containerId());
        assertThat(owned.get(0).volume()).isEqualTo(runner.volume());
        assertThat(owned.get(0).job()).isEqualTo(new JobKey("01ENGINE", runner.volume(), 3));

        Attachment agent = engine.start(runner, this::collect);
        awaitOut("##forge[n0nce] setup-end 0");
        run(
                engine,
                runner,
                agent,
                1,
                "echo \"$FORGE_GREETING on stdout\"; echo 'on stderr' >&2; echo 'out=1' >> \"$GITHUB_OUTPUT\"; exit 4");
        awaitOut("##forge[n0nce] step-end 1 failure 4 files=o");
        assertThat(engine.copyOut(runner, StepFiles.IO + 1, 1024))
                .containsOnlyKeys("output", "env", "path", "summary", "state")
                .hasEntrySatisfying(
                        "output",
                        content -> assertThat(new String(content, StandardCharsets.UTF_8))
                                .isEqualTo("out=1\n"));
        run(engine, runner, agent, 2, "head -c 4096 /dev/zero > \"$GITHUB_STEP_SUMMARY\"");
        awaitOut("##forge[n0nce] step-end 2 success 0 files=s");
        assertThatThrownBy(() -> engine.copyOut(runner, StepFiles.IO + 2, 1024))
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("larger than 1 KiB");
        agent.send("exit 4");
        agent.ended().toCompletableFuture().get(60, TimeUnit.SECONDS);
        RunnerExit exit = engine.awaitExit(runner);

        assertThat(out()).contains("##forge[n0nce] step-start 1", "hi on stdout");
        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("on stderr")
                .doesNotContain("on stdout");
        assertThat(exit).isEqualTo(new RunnerExit(4, false));
        engine.remove(runner);
        assertThat(engine.owned(CONTROLLER)).isEmpty();
        assertThat(DOCKER.listVolumesCmd().exec().getVolumes())
                .noneMatch(volume -> volume.getName().equals(runner.volume()));
    }

    @Test
    void aStepSilentForLongerThanTheCallTimeoutKeepsItsAttachedOutputAndItsWait() throws Exception {
        DockerRunnerEngine engine = new DockerRunnerEngine(
                DOCKER, profile(Isolation.CAPABILITIES, TestInfra.runnerImage()), Duration.ofSeconds(2));
        Runner runner = engine.create(spec());
        Attachment agent = engine.start(runner, this::collect);
        awaitOut("setup-end 0");

        run(engine, runner, agent, 1, "sleep 4; echo after the silence");
        awaitOut("after the silence");
        awaitOut("step-end 1 success 0");
        agent.send("exit 0");
        agent.ended().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(engine.awaitExit(runner).exitCode()).isZero();
        engine.remove(runner);
    }

    @Test
    void aStuckEngineFailsACallAfterTheCallTimeoutInsteadOfHoldingItsCaller() throws Exception {
        // accepts connections and never answers, as a hung daemon does on its socket
        try (ServerSocket stuck = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                DockerClient client = DockerClientProducer.create("tcp://127.0.0.1:" + stuck.getLocalPort())) {
            DockerRunnerEngine engine =
                    new DockerRunnerEngine(client, profile(Isolation.CAPABILITIES, "unused"), Duration.ofMillis(500));

            long started = System.nanoTime();
            assertThatThrownBy(engine::ping)
                    .isInstanceOf(RunnerException.class)
                    .hasMessage("the Docker engine did not answer a ping within 500 ms");
            assertThatThrownBy(() -> engine.remove(new Runner("c0ffee", "forge-engine-test-stuck")))
                    .isInstanceOf(RunnerException.class)
                    .hasMessage("the Docker engine did not answer removing the runner within 500 ms");
            // a bound on the wait, not a goal: without the deadline these calls never return
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void stopEndsARunnerWithinItsGracePeriod() throws Exception {
        DockerRunnerEngine engine = engine(Isolation.CAPABILITIES, TestInfra.runnerImage());
        Runner runner = engine.create(spec());
        Attachment agent = engine.start(runner, this::collect);
        awaitOut("setup-end 0");
        run(engine, runner, agent, 1, "echo sleeping; sleep 600");
        awaitOut("sleeping");

        long started = System.nanoTime();
        Thread stopping = new Thread(() -> engine.stop(runner, Duration.ofSeconds(10)));
        stopping.start();
        awaitOut("step-end 1 cancelled 143");
        // as the controller does once no clean-up step is left to run
        agent.send("exit 143");
        agent.ended().toCompletableFuture().get(30, TimeUnit.SECONDS);
        stopping.join();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(engine.awaitExit(runner).exitCode()).isEqualTo(143);
        engine.remove(runner);
    }

    @Test
    void aMissingImageIsPulledAndWhenThatFailsReportedInTheDaemonsWordsLeavingNothingBehind() {
        // a name no registry serves: the pull is really attempted and really refused
        DockerRunnerEngine engine = engine(Isolation.CAPABILITIES, "forge-runner:does-not-exist");

        assertThatThrownBy(() -> engine.create(spec()))
                .isInstanceOf(RunnerException.class)
                .hasMessageStartingWith(
                        "runner image forge-runner:does-not-exist is not on the engine and could not be pulled: ");
        assertThat(engine.owned(CONTROLLER)).isEmpty();
    }

    @Test
    void aProfileTheHostRefusesIsReportedInTheDaemonsWords() {
        // This machine's kernel refuses --privileged, and has no sysbox runtime.
        DockerRunnerEngine privileged = engine(Isolation.PRIVILEGED, TestInfra.runnerImage());
        Runner runner = privileged.create(spec());
        assertThatThrownBy(() -> privileged.start(runner, this::collect))
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("caps");
        privileged.remove(runner);

        assertThatThrownBy(
                        () -> engine(Isolation.SYSBOX, TestInfra.runnerImage()).create(spec()))
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("sysbox-runc");
    }
}
