package dev.forgeci.controller.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.LogChunk;
import dev.forgeci.controller.log.LogLimits;
import dev.forgeci.controller.runner.Isolation;
import dev.forgeci.controller.secrets.SecretStore;

/** The controller's side of a job, against a scripted runner: attribution, events and the status it reports. */
class JobExecutionTest {

    static final JobSettings SETTINGS = new JobSettings("controller-1", "forge-runner:local", Isolation.CAPABILITIES, 1, 512L << 20,
            Duration.ofSeconds(10), Duration.ofHours(6), Duration.ofSeconds(30), Duration.ofSeconds(5),
            new LogLimits(64 * 1024, 64L << 20, 64 * 1024, Duration.ofMillis(50), 16));

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final ScriptedEngine engine = new ScriptedEngine();

    @AfterEach
    void stopThreads() {
        timer.shutdownNow();
        executor.shutdownNow();
    }

    static JobDispatched dispatch(Double timeoutMinutes, JobDispatched.Step... steps) {
        return new JobDispatched("01RUN", "build", 1, null, new JobDispatched.Repository("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5", "r"), null,
                null, null, true, "w", new JobDispatched.Job("build", "Build", null, timeoutMinutes, false, null, null, List.of(steps)));
    }

    static JobDispatched.Step step(int index, String name) {
        return new JobDispatched.Step(index, name, "true", "bash", "", null, null, null, "success");
    }

    private JobExecution execution(JobDispatched dispatch) {
        return new JobExecution(dispatch, SETTINGS, engine, publisher, new SecretStore(Path.of("target/no-secrets")),
                executor, timer);
    }

    private List<String> texts(Integer step, String stream) {
        return publisher.lines().stream().filter(line -> Objects.equals(line.step(), step) && line.stream().equals(stream))
                .map(LogChunk.Line::text).toList();
    }

    @Test
    void eachStreamsLinesBelongToTheStepWhoseMarkerItSawLastAndAStepEndsWhenBothStreamsPassedItsEnd() {
        engine.out("set-up\n").mark("step-start 1")
                .out("out of 1\n").err("err of 1\n")
                .out("partial{M}step-end 1 failure 2\n")
                .err("late err of 1\n{M}step-end 1 failure 2\n")
                .mark("step-skip 2").mark("job-end failure 2 step 1").exit(2, false);

        execution(dispatch(null, step(1, "Build"), step(2, "Deploy"))).run();

        assertThat(texts(null, LogChunk.STDOUT)).containsExactly("set-up");
        assertThat(texts(1, LogChunk.STDOUT)).containsExactly("out of 1", "partial");
        assertThat(texts(1, LogChunk.STDERR)).containsExactly("err of 1", "late err of 1");
        assertThat(publisher.events()).extracting(JobEvent::type).containsExactly("job-started", "step-started", "step-finished",
                "step-finished", "job-finished");
        assertThat(publisher.events()).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(publisher.step(1).status()).isEqualTo("failure");
        assertThat(publisher.step(1).exitCode()).isEqualTo(2);
        assertThat(publisher.step(2).status()).isEqualTo("skipped");
        JobEvent finished = publisher.finished();
        assertThat(finished.status()).isEqualTo("failure");
        assertThat(finished.exitCode()).isEqualTo(2);
        assertThat(finished.reason()).isEqualTo("step \"Build\" failed with exit code 2");
        assertThat(finished.logLines()).isEqualTo(publisher.lines().size());
        int lateLine = publisher.sent.indexOf(publisher.sent.stream().filter(LogChunk.class::isInstance).map(LogChunk.class::cast)
                .filter(chunk -> chunk.lines().stream().anyMatch(line -> line.text().equals("late err of 1"))).findFirst().orElseThrow());
        int stepFinished = publisher.sent.indexOf(publisher.events().get(2));
        assertThat(lateLine).isLessThan(stepFinished);
        assertThat(publisher.sent.get(publisher.sent.size() - 1)).isEqualTo(finished);
        assertThat(engine.calls).containsExactly("create", "start", "remove");
    }

    @Test
    void aFailureWhileTheRunnerWasOutOfMemoryEndsWithTheOutOfMemoryReason() {
        engine.mark("step-start 1").mark("step-end 1 failure 137").mark("job-end failure 137 step 1").exit(137, true);

        execution(dispatch(null, step(1, "Allocate"))).run();

        assertThat(publisher.finished().status()).isEqualTo("failure");
        assertThat(publisher.finished().reason()).isEqualTo("out of memory");
        assertThat(texts(null, LogChunk.SYSTEM)).anyMatch(text -> text.contains("ran out of memory (limit 512 MiB)"));
    }

    @Test
    void aRunnerThatDiesWithoutReportingEndsInErrorAndItsStartedStepFails() {
        engine.mark("step-start 1").out("working\n").exit(137, false);

        execution(dispatch(null, step(1, "Work"), step(2, "Later"))).run();

        assertThat(publisher.finished().status()).isEqualTo("error");
        assertThat(publisher.finished().reason()).isEqualTo("runner exited with code 137 before reporting a result");
        assertThat(publisher.step(1).status()).isEqualTo("failure");
        assertThat(publisher.step(2).status()).isEqualTo("skipped");
    }

    @Test
    void aRunnerTheDaemonRefusesEndsInErrorWithTheDaemonsReasonInTheLog() {
        engine.failCreate("No such image: forge-runner:missing");

        execution(dispatch(null, step(1, "Build"))).run();

        assertThat(publisher.finished().status()).isEqualTo("error");
        assertThat(publisher.finished().reason()).isEqualTo("runner could not start");
        assertThat(texts(null, LogChunk.SYSTEM)).anyMatch(text -> text.contains("No such image: forge-runner:missing"));
        assertThat(engine.calls).containsExactly("create");
    }

    @Test
    void aJobCancelledBeforeItStartedIsReportedCancelledWithoutARunner() {
        JobExecution execution = execution(dispatch(null, step(1, "Build")));
        execution.cancel("superseded");
        execution.run();

        assertThat(publisher.events()).extracting(JobEvent::type).containsExactly("job-finished");
        assertThat(publisher.finished().status()).isEqualTo("cancelled");
        assertThat(publisher.finished().reason()).isEqualTo("superseded");
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void aCancelWhileRunningStopsTheRunnerAndTheJobEndsCancelled() {
        engine.mark("step-start 1").out("sleeping\n").holdUntilStopped()
                .mark("step-end 1 cancelled 143").mark("job-end cancelled 143").exit(143, false);
        JobExecution execution = execution(dispatch(null, step(1, "Sleep"), step(2, "After")));
        Thread job = new Thread(execution::run);
        job.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> texts(1, LogChunk.STDOUT).contains("sleeping"));

        execution.cancel("cancelled");

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.calls.contains("remove"));
        assertThat(engine.calls).containsExactly("create", "start", "stop", "remove");
        assertThat(publisher.finished().status()).isEqualTo("cancelled");
        assertThat(publisher.finished().reason()).isEqualTo("cancelled");
        assertThat(publisher.step(1).status()).isEqualTo("cancelled");
        assertThat(publisher.step(2).status()).isEqualTo("skipped");
        assertThat(texts(null, LogChunk.SYSTEM)).anyMatch(text -> text.contains("cancel requested (cancelled)"));
    }

    @Test
    void aJobBeyondItsTimeoutIsStoppedAndFailsWithReasonTimeout() {
        engine.mark("step-start 1").holdUntilStopped().mark("job-end cancelled 143").exit(143, false);

        execution(dispatch(0.002, step(1, "Sleep"))).run();

        assertThat(engine.calls).contains("stop");
        assertThat(publisher.finished().status()).isEqualTo("failure");
        assertThat(publisher.finished().reason()).isEqualTo("timeout");
        assertThat(publisher.step(1).status()).isEqualTo("failure");
    }

    @Test
    void anInvalidDispatchNeverReachesDocker() {
        JobDispatched invalid = new JobDispatched("01RUN", "build", 1, null, null, "not-a-commit", null, "ext::sh", true, "w",
                new JobDispatched.Job("build", "Build", null, null, null, null, null, List.of(step(1, "Build"))));

        execution(invalid).run();

        assertThat(publisher.finished().status()).isEqualTo("error");
        assertThat(publisher.finished().reason()).isEqualTo("invalid dispatch");
        assertThat(engine.calls).isEmpty();
    }
}
