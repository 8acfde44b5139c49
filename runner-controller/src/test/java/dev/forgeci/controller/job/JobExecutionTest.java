package dev.forgeci.controller.job;

import static dev.forgeci.controller.job.Dispatches.dispatch;
import static dev.forgeci.controller.job.Dispatches.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.actions.ActionSource;
import dev.forgeci.controller.actions.ActionUnavailableException;
import dev.forgeci.controller.actions.FetchedAction;
import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.LogChunk;
import dev.forgeci.controller.events.Status;
import dev.forgeci.controller.log.LogLimits;
import dev.forgeci.controller.runner.Isolation;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.secrets.SecretStore;

/** The controller's side of a job, against a scripted agent: attribution, events, expressions, runtime files and the status it reports. */
class JobExecutionTest {

    static final JobSettings SETTINGS = settings(List.of(), null);

    /** The controller's settings in these tests, with these registry mirrors and registry credentials. */
    static JobSettings settings(List<String> registryMirrors, Path registryAuth) {
        return new JobSettings(
                "controller-1",
                "forge-runner:local",
                Isolation.CAPABILITIES,
                1,
                512L << 20,
                Duration.ofSeconds(10),
                Duration.ofHours(6),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                new LogLimits(64 * 1024, 64L << 20, 64 * 1024, Duration.ofMillis(50), 16),
                null,
                registryMirrors,
                registryAuth);
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final ScriptedEngine engine = new ScriptedEngine();

    @AfterEach
    void stopThreads() {
        timer.shutdownNow();
        executor.shutdownNow();
    }

    private JobExecution execution(JobDispatched dispatch) {
        return execution(dispatch, Path.of("target/no-secrets"));
    }

    private JobExecution execution(JobDispatched dispatch, Path secrets) {
        return execution(dispatch, secrets, action -> {
            throw new ActionUnavailableException("no action can be fetched in this test: " + action.display());
        });
    }

    private JobExecution execution(JobDispatched dispatch, Path secrets, ActionSource actions) {
        return execution(dispatch, SETTINGS, secrets, actions);
    }

    private JobExecution execution(JobDispatched dispatch, JobSettings settings, Path secrets, ActionSource actions) {
        return new JobExecution(
                dispatch, settings, engine, publisher, new SecretStore(secrets), actions, executor, timer);
    }

    private static final String ACTION_SHA = "1111111111111111111111111111111111111111";

    /** An action source with one action, acme/greet, whose tree holds these files. */
    private static ActionSource oneAction(Map<String, String> files) throws Exception {
        Path tree = Files.createTempDirectory("forge-test-action");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.createDirectories(tree.resolve(file.getKey()).getParent());
            Files.writeString(tree.resolve(file.getKey()), file.getValue());
        }
        return action -> {
            if (!action.repository().equals("acme/greet")) {
                throw new ActionUnavailableException(
                        "action " + action.display() + " could not be fetched: tried the test's one action");
            }
            return new FetchedAction(action, ACTION_SHA, tree);
        };
    }

    private static JobDispatched.Step uses(int index, String name, String uses, Map<String, String> with) {
        return new JobDispatched.Step(
                index, null, name, null, uses, with, null, null, Map.of(), null, null, "success()");
    }

    private List<String> texts(Integer step, String stream) {
        return publisher.lines().stream()
                .filter(line ->
                        Objects.equals(line.step(), step) && line.stream().equals(stream))
                .map(LogChunk.Line::text)
                .toList();
    }

    @Test
    void eachStreamsLinesBelongToTheStepWhoseMarkerItSawLastAndAStepEndsWhenBothStreamsPassedItsEnd() {
        engine.setupOut("set-up\n");
        engine.step(1)
                .out("out of 1\n")
                .err("err of 1\n")
                .out("partial")
                .err("late err of 1\n")
                .end("failure 2");

        execution(dispatch(null, step(1, "Build"), step(2, "Deploy"))).run();

        assertThat(texts(null, LogChunk.STDOUT)).containsExactly("set-up");
        assertThat(texts(1, LogChunk.STDOUT)).containsExactly("out of 1", "partial");
        assertThat(texts(1, LogChunk.STDERR)).containsExactly("err of 1", "late err of 1");
        assertThat(publisher.events())
                .extracting(JobEvent::type)
                .containsExactly(
                        JobEvent.Type.JOB_STARTED,
                        JobEvent.Type.STEP_STARTED,
                        JobEvent.Type.STEP_FINISHED,
                        JobEvent.Type.STEP_FINISHED,
                        JobEvent.Type.JOB_FINISHED);
        assertThat(publisher.events()).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(publisher.step(1).status()).isEqualTo(Status.FAILURE);
        assertThat(publisher.step(1).exitCode()).isEqualTo(2);
        assertThat(publisher.step(2).status()).isEqualTo(Status.SKIPPED);
        JobEvent finished = publisher.finished();
        assertThat(finished.status()).isEqualTo(Status.FAILURE);
        assertThat(finished.exitCode()).isEqualTo(2);
        assertThat(finished.reason()).isEqualTo("step \"Build\" failed with exit code 2");
        assertThat(finished.logLines()).isEqualTo(publisher.lines().size());
        int lateLine = publisher.sent.indexOf(publisher.sent.stream()
                .filter(LogChunk.class::isInstance)
                .map(LogChunk.class::cast)
                .filter(chunk ->
                        chunk.lines().stream().anyMatch(line -> line.text().equals("late err of 1")))
                .findFirst()
                .orElseThrow());
        int stepFinished = publisher.sent.indexOf(publisher.events().get(2));
        assertThat(lateLine).isLessThan(stepFinished);
        assertThat(publisher.sent.get(publisher.sent.size() - 1)).isEqualTo(finished);
        assertThat(engine.calls).containsExactly("create", "start", "remove");
        assertThat(engine.commands).containsExactly("run 1 0", "exit 2");
    }

    @Test
    void stepsAreEvaluatedWhenTheyRunWithTheOutputsTheEnvironmentAndThePathEarlierStepsWrote() {
        engine.step(0)
                .out("::set-output name=legacy::old school\n")
                .file("output", "version=1.2.3\nnotes<<EOF\nline 1\nline 2\nEOF\n");
        engine.step(1).file("env", "GREETING=hello\n").file("path", "/opt/tool/bin\n");
        JobDispatched dispatch = dispatch(
                Dispatches.context(),
                null,
                Map.of("LEVEL", "${{ vars.REGION }}-job"),
                Map.of("version", "${{ steps.meta.outputs.version }}", "notes", "${{ steps.meta.outputs.notes }}"),
                step(0, "Meta", "meta", "echo", "success()"),
                step(1, "Env", "env", "echo", "success()"),
                step(
                        2,
                        "Use ${{ steps.meta.outputs.version }}",
                        null,
                        "echo ${{ steps.meta.outputs.version }} ${{ env.GREETING }} ${{ steps.meta.outputs.legacy }} ${{ needs.setup.outputs.flavour }}",
                        "success() && (steps.meta.outcome == 'success')",
                        Map.of("FROM_STEP", "${{ env.LEVEL }}"),
                        false),
                step(3, "Never", null, "echo never", "success() && (steps.env.outputs.missing == 'x')"));

        execution(dispatch).run();

        assertThat(engine.script(2)).isEqualTo("echo 1.2.3 hello old school vanilla");
        assertThat(engine.launch(2))
                .contains(
                        "export GREETING='hello'",
                        "export LEVEL='eu-job'",
                        "export FROM_STEP='eu-job'",
                        "export PATH='/opt/tool/bin':\"$PATH\"",
                        "export GITHUB_OUTPUT='/forge/io/2/output'",
                        "export GITHUB_SHA='0123456789abcdef",
                        "export GITHUB_ACTIONS='true'",
                        "export RUNNER_OS='Linux'");
        assertThat(engine.launch(0)).doesNotContain("GREETING", "/opt/tool/bin");
        assertThat(engine.script(3)).isNull();
        assertThat(publisher.step(2).name()).isEqualTo("Use 1.2.3");
        assertThat(publisher.step(3).status()).isEqualTo(Status.SKIPPED);
        assertThat(texts(0, LogChunk.STDOUT))
                .singleElement()
                .asString()
                .contains("The `set-output` command is deprecated");
        assertThat(publisher.finished().status()).isEqualTo(Status.SUCCESS);
        assertThat(publisher.finished().outputs())
                .containsOnly(Map.entry("version", "1.2.3"), Map.entry("notes", "line 1\nline 2"));
    }

    @Test
    void aFailedStepWithContinueOnErrorDoesNotFailTheJobAndLaterConditionsSeeItsOutcome() {
        engine.step(0).end("failure 3");
        JobDispatched dispatch = dispatch(
                Dispatches.context(),
                null,
                Map.of(),
                Map.of(),
                step(0, "Flaky", "flaky", "exit 3", "success()", Map.of(), true),
                step(1, "Report", null, "echo ${{ steps.flaky.outcome }}/${{ steps.flaky.conclusion }}", "success()"),
                step(2, "On failure", null, "echo", "failure()"));

        execution(dispatch).run();

        assertThat(publisher.step(0).status()).isEqualTo(Status.FAILURE);
        assertThat(engine.script(1)).isEqualTo("echo failure/success");
        assertThat(publisher.step(2).status()).isEqualTo(Status.SKIPPED);
        assertThat(publisher.finished().status()).isEqualTo(Status.SUCCESS);
    }

    @Test
    void aStepWhoseTemplatesCannotBeEvaluatedFailsWithTheReasonInTheLog() {
        JobDispatched dispatch = dispatch(
                Dispatches.context(),
                null,
                Map.of(),
                Map.of(),
                step(0, "Bad", null, "echo ${{ fromJSON('not json') }}", "success()"),
                step(1, "Cleanup", null, "echo cleanup", "always()"));

        execution(dispatch).run();

        assertThat(publisher.step(0).status()).isEqualTo(Status.FAILURE);
        assertThat(texts(null, LogChunk.SYSTEM))
                .anyMatch(t -> t.contains("step \"Bad\" could not be evaluated: fromJSON(): the text is not JSON"));
        assertThat(engine.script(1)).isEqualTo("echo cleanup");
        assertThat(engine.commands).containsExactly("run 1 0", "exit 1");
        assertThat(publisher.finished().status()).isEqualTo(Status.FAILURE);
    }

    @Test
    void workflowCommandsAreHandledMasksApplyFromTheNextLineAndSetEnvStaysDisabled() {
        engine.step(0)
                .out("::add-mask::hunter2\n")
                .out("the password is hunter2\n")
                .out("::group::Compiling\n")
                .out("::endgroup::\n")
                .out("::error file=src/a.c,line=3::it broke\n")
                .out("::set-env name=PATH::/evil\n")
                .out("plain ::not-a-command:: line\n");

        execution(dispatch(null, step(0, "Commands"))).run();

        assertThat(texts(0, LogChunk.STDOUT))
                .containsExactly(
                        "the password is ***",
                        "\u001b[1m▸ Compiling\u001b[0m",
                        "\u001b[31mError:\u001b[0m src/a.c:3: it broke",
                        "\u001b[31mError:\u001b[0m Unable to process command '::set-env' successfully.",
                        "\u001b[31mError:\u001b[0m The `set-env` command is disabled. Please upgrade to using Environment Files (write to $GITHUB_ENV).",
                        "plain ::not-a-command:: line");
        assertThat(publisher.step(0).status()).isEqualTo(Status.FAILURE);
        assertThat(publisher.finished().status()).isEqualTo(Status.FAILURE);
    }

    @Test
    void debugLinesAreHiddenByDefault() {
        engine.step(0).out("::debug::looking closer\n").out("done\n");
        execution(dispatch(Dispatches.context(), null, Map.of(), Map.of(), step(0, "Quiet")))
                .run();
        assertThat(texts(0, LogChunk.STDOUT)).containsExactly("done");
    }

    @Test
    void debugLinesShowWhenTheVariableActionsStepDebugIsTrue() {
        engine.step(0).out("::debug::looking closer\n").out("done\n");
        ObjectNode context = Dispatches.context();
        ((ObjectNode) context.get("vars")).put("ACTIONS_STEP_DEBUG", "true");
        execution(dispatch(context, null, Map.of(), Map.of(), step(0, "Verbose")))
                .run();
        assertThat(texts(0, LogChunk.STDOUT)).containsExactly("\u001b[35mDebug:\u001b[0m looking closer", "done");
    }

    @Test
    void aRuntimeFileInTheWrongFormatFailsTheStep() {
        engine.step(0).file("output", "no equals sign here\n");

        execution(dispatch(null, step(0, "Writer"))).run();

        assertThat(publisher.step(0).status()).isEqualTo(Status.FAILURE);
        assertThat(texts(null, LogChunk.SYSTEM))
                .anyMatch(t -> t.contains("Unable to process file command 'output' successfully: invalid format"));
    }

    @Test
    void hashFilesIsAskedOfTheAgentWhenAStepNeedsIt() {
        engine.hash("**/package-lock.json", "abc123");
        execution(dispatch(
                        Dispatches.context(),
                        null,
                        Map.of(),
                        Map.of(),
                        step(0, "Key", null, "echo node-${{ hashFiles('**/package-lock.json') }}", "success()")))
                .run();

        assertThat(engine.script(0)).isEqualTo("echo node-abc123");
        assertThat(engine.commands.get(0)).startsWith("hash 1 ");
    }

    @Test
    void jobOutputsThatWouldRevealASecretAreLeftOut() throws Exception {
        Path secrets = Files.createTempDirectory("forge-secrets");
        Files.createDirectories(secrets.resolve("_global"));
        Files.writeString(secrets.resolve("_global/TOKEN"), "t0ps3cret\n");
        JobDispatched dispatch = dispatch(
                Dispatches.context(),
                null,
                Map.of(),
                Map.of("leak", "${{ secrets.TOKEN }}", "fine", "ok"),
                step(0, "Use", null, "echo ${{ secrets.TOKEN }}", "success()"));

        execution(dispatch, secrets).run();

        assertThat(engine.script(0)).isEqualTo("echo t0ps3cret");
        assertThat(publisher.finished().outputs()).containsExactly(Map.entry("fine", "ok"));
        assertThat(texts(null, LogChunk.SYSTEM)).contains("forge: Skip output 'leak' since it may contain secret.");
    }

    @Test
    void aJobOfACalledWorkflowReadsOnlyTheSecretsPassedToItUnderTheNamesItWasPassedThem() throws Exception {
        Path secrets = Files.createTempDirectory("forge-secrets");
        Files.createDirectories(secrets.resolve("_global"));
        Files.writeString(secrets.resolve("_global/DEPLOY_TOKEN"), "d3pl0y\n");
        Files.writeString(secrets.resolve("_global/OTHER"), "0th3r\n");
        JobDispatched plain = dispatch(
                Dispatches.context(),
                null,
                Map.of(),
                Map.of(),
                step(
                        0,
                        "Use",
                        null,
                        "echo [${{ secrets.token }}] [${{ secrets.OTHER }}] [${{ secrets.DEPLOY_TOKEN }}]",
                        "success()"));
        JobDispatched called = Dispatches.withJob(
                plain, Map.of("call", "{\"job\": \"call\", \"secrets\": {\"token\": \"DEPLOY_TOKEN\"}}"));

        execution(called, secrets).run();

        assertThat(engine.script(0)).isEqualTo("echo [d3pl0y] [] []");
        assertThat(texts(null, LogChunk.SYSTEM))
                .contains("forge: secret OTHER is not passed to the workflow job call calls; it is empty");
    }

    @Test
    void aFailureWhileTheRunnerWasOutOfMemoryEndsWithTheOutOfMemoryReason() {
        engine.step(1).end("failure 137");
        engine.exit(137, true);

        execution(dispatch(null, step(1, "Allocate"))).run();

        assertThat(publisher.finished().status()).isEqualTo(Status.FAILURE);
        assertThat(publisher.finished().reason()).isEqualTo("out of memory");
        assertThat(texts(null, LogChunk.SYSTEM)).anyMatch(text -> text.contains("ran out of memory (limit 512 MiB)"));
    }

    @Test
    void aRunnerThatDiesWithoutReportingEndsInErrorAndItsStartedStepFails() {
        engine.step(1).out("working\n").dies();

        execution(dispatch(null, step(1, "Work"), step(2, "Later"))).run();

        assertThat(publisher.finished().status()).isEqualTo(Status.ERROR);
        assertThat(publisher.finished().reason()).isEqualTo("runner exited with code 137 before reporting a result");
        assertThat(publisher.step(1).status()).isEqualTo(Status.FAILURE);
        assertThat(publisher.step(2).status()).isEqualTo(Status.SKIPPED);
    }

    @Test
    void aRunnerTheDaemonRefusesEndsInErrorWithTheDaemonsReasonInTheLog() {
        engine.failCreate("No such image: forge-runner:missing");

        execution(dispatch(null, step(1, "Build"))).run();

        assertThat(publisher.finished().status()).isEqualTo(Status.ERROR);
        assertThat(publisher.finished().reason()).isEqualTo("runner could not start");
        assertThat(texts(null, LogChunk.SYSTEM)).anyMatch(text -> text.contains("No such image: forge-runner:missing"));
        assertThat(engine.calls).containsExactly("create");
    }

    @Test
    void aJobCancelledBeforeItStartedIsReportedCancelledWithoutARunner() {
        JobExecution execution = execution(dispatch(null, step(1, "Build")));
        execution.cancel("superseded");
        execution.run();

        assertThat(publisher.events()).extracting(JobEvent::type).containsExactly(JobEvent.Type.JOB_FINISHED);
        assertThat(publisher.finished().status()).isEqualTo(Status.CANCELLED);
        assertThat(publisher.finished().reason()).isEqualTo("superseded");
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void aCancelWhileRunningStopsTheRunnerRunsTheCleanupStepAndTheJobEndsCancelled() {
        engine.step(1).out("sleeping\n").holdUntilStopped().end("cancelled 143");
        JobExecution execution = execution(dispatch(
                null,
                step(1, "Sleep"),
                step(2, "After"),
                step(3, "Cleanup", null, "echo cleanup", "always()"),
                step(4, "On cancel", null, "echo", "cancelled()")));
        Thread job = new Thread(execution::run);
        job.start();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> texts(1, LogChunk.STDOUT).contains("sleeping"));

        execution.cancel("cancelled");

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.calls.contains("remove"));
        assertThat(engine.calls).containsExactly("create", "start", "stop", "remove");
        assertThat(publisher.finished().status()).isEqualTo(Status.CANCELLED);
        assertThat(publisher.finished().reason()).isEqualTo("cancelled");
        assertThat(publisher.step(1).status()).isEqualTo(Status.CANCELLED);
        assertThat(publisher.step(2).status()).isEqualTo(Status.SKIPPED);
        assertThat(publisher.step(3).status()).isEqualTo(Status.SUCCESS);
        assertThat(publisher.step(4).status()).isEqualTo(Status.SUCCESS);
        assertThat(engine.commands).containsExactly("run 1 0", "run 3 0", "run 4 0", "exit 143");
        assertThat(texts(null, LogChunk.SYSTEM)).anyMatch(text -> text.contains("cancel requested (cancelled)"));
    }

    @Test
    void aJobBeyondItsTimeoutIsStoppedAndFailsWithReasonTimeout() {
        engine.step(1).holdUntilStopped().end("cancelled 143");

        execution(dispatch(0.002, step(1, "Sleep"))).run();

        assertThat(engine.calls).contains("stop");
        assertThat(publisher.finished().status()).isEqualTo(Status.FAILURE);
        assertThat(publisher.finished().reason()).isEqualTo("timeout");
        assertThat(publisher.step(1).status()).isEqualTo(Status.CANCELLED);
    }

    @Test
    void aRunnerWhoseRemovalFailsIsHandedOnAsLeftBehindAndTheJobStillEnds() {
        engine.failRemove(1);
        JobExecution execution = execution(dispatch(null, step(1, "Build")));

        execution.run();

        assertThat(publisher.finished().status()).isEqualTo(Status.SUCCESS);
        assertThat(execution.ended()).isCompleted();
        assertThat(execution.leftBehind())
                .contains(new Runner("container-1", engine.created().name()));
    }

    @Test
    void aRunnerThatIsRemovedLeavesNothingBehind() {
        JobExecution execution = execution(dispatch(null, step(1, "Build")));

        execution.run();

        assertThat(execution.leftBehind()).isEmpty();
    }

    @Test
    void anInvalidDispatchNeverReachesDocker() {
        JobDispatched invalid = Dispatches.bare(null, "not-a-commit", null, "ext::sh", step(1, "Build"));

        execution(invalid).run();

        assertThat(publisher.finished().status()).isEqualTo(Status.ERROR);
        assertThat(publisher.finished().reason()).isEqualTo("invalid dispatch");
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void aJavaScriptActionRunsItsMainWithItsInputsAndItsPostRunsAfterTheStepsWithWhatItSaved() throws Exception {
        ActionSource actions = oneAction(Map.of("action.yml", """
                name: Greet
                inputs:
                  who-to-greet: {required: true}
                  greeting: {default: "Hello from ${{ github.ref }}"}
                runs:
                  using: node20
                  main: dist/index.js
                  post: dist/post.js
                """, "dist/index.js", "main", "dist/post.js", "post"));
        engine.step(0).out("::save-state name=command::from-main\n").file("state", "file=from-file\n");
        JobDispatched dispatch = dispatch(
                null,
                uses(0, "Greet", "acme/greet@v1", Map.of("who-to-greet", "${{ vars.REGION }}", "extra", "x")),
                step(1, "After"));

        execution(dispatch, Path.of("target/no-secrets"), actions).run();

        String root = "forge/actions/acme/greet/" + ACTION_SHA;
        assertThat(engine.copiedIn).containsKeys(root + "/action.yml", root + "/dist/index.js", root + "/dist/post.js");
        assertThat(texts(null, LogChunk.SYSTEM))
                .contains(
                        "forge: Download action repository 'acme/greet@v1' (SHA:" + ACTION_SHA + ")",
                        "forge: Unexpected input(s) 'extra', valid inputs are ['who-to-greet', 'greeting']");
        assertThat(engine.launch(0))
                .contains(
                        "export GITHUB_ACTION_PATH='/" + root + "'",
                        "export GITHUB_ACTION_REPOSITORY='acme/greet'",
                        "export GITHUB_ACTION_REF='v1'",
                        "export GITHUB_ACTION='__acme_greet'",
                        "export INPUT_GREETING='Hello from refs/heads/main'",
                        "export INPUT_EXTRA='x'")
                // a name with '-' only survives on env's command line: sh would drop it from the environment
                .endsWith("exec env 'INPUT_WHO-TO-GREET=eu' 'node' '/" + root + "/dist/index.js'\n");
        assertThat(engine.launch(2))
                .contains("export STATE_command='from-main'", "export STATE_file='from-file'")
                .endsWith("'node' '/" + root + "/dist/post.js'\n");
        assertThat(engine.commands).containsExactly("run 0 0", "run 1 0", "run 2 0", "exit 0");
        assertThat(publisher.step(2).name()).isEqualTo("Post Greet");
        assertThat(publisher.step(2).status()).isEqualTo(Status.SUCCESS);
        assertThat(publisher.events())
                .filteredOn(event -> event.step() != null && event.step().index() == 0)
                .extracting(event -> event.step().action())
                .containsOnly(new JobEvent.Action("acme/greet@v1", ACTION_SHA));
        assertThat(publisher.step(1).action()).isNull();
        assertThat(publisher.finished().status()).isEqualTo(Status.SUCCESS);
    }

    @Test
    void aPostWhoseConditionDoesNotHoldIsSkippedAndAFailedPostFailsTheJob() throws Exception {
        ActionSource actions =
                oneAction(Map.of("action.yml", "runs: {using: node20, main: a.js, post: b.js, post-if: failure()}\n"));
        JobDispatched dispatch =
                dispatch(null, uses(0, "One", "acme/greet@v1", Map.of()), uses(1, "Two", "acme/greet@v1", Map.of()));

        execution(dispatch, Path.of("target/no-secrets"), actions).run();

        assertThat(engine.commands).containsExactly("run 0 0", "run 1 0", "exit 0");
        assertThat(publisher.step(2).name()).isEqualTo("Post Two");
        assertThat(publisher.step(2).status()).isEqualTo(Status.SKIPPED);
        assertThat(publisher.step(3).name()).isEqualTo("Post One");

        ActionSource always = oneAction(Map.of("action.yml", "runs: {using: node20, main: a.js, post: b.js}\n"));
        engine.step(1).end("failure 3");
        JobExecutionTest other = new JobExecutionTest();
        other.engine.step(1).end("failure 3");
        other.execution(dispatch(null, uses(0, "One", "acme/greet@v1", Map.of())), Path.of("target/no-secrets"), always)
                .run();
        assertThat(other.engine.commands).containsExactly("run 0 0", "run 1 0", "exit 3");
        assertThat(other.publisher.finished().status()).isEqualTo(Status.FAILURE);
        assertThat(other.publisher.finished().reason()).isEqualTo("step \"Post One\" failed with exit code 3");
        other.stopThreads();
    }

    @Test
    void anActionThatCannotBeFetchedOrReadFailsTheJobAtSetUpAndNoStepRuns() throws Exception {
        execution(
                        dispatch(
                                null,
                                step(0, "First"),
                                uses(1, "Elsewhere", "nobody/nothing@v1", Map.of()),
                                step(2, "Cleanup", null, "true", "always()")),
                        Path.of("target/no-secrets"),
                        oneAction(Map.of()))
                .run();

        assertThat(engine.commands).containsExactly("exit 1");
        assertThat(texts(null, LogChunk.SYSTEM))
                .contains("forge: action nobody/nothing@v1 could not be fetched: tried the test's one action");
        assertThat(publisher.finished().status()).isEqualTo(Status.FAILURE);
        assertThat(publisher.finished().reason()).isEqualTo("an action could not be set up");
        assertThat(publisher.step(2).status()).isEqualTo(Status.SKIPPED);

        JobExecutionTest other = new JobExecutionTest();
        other.execution(
                        dispatch(null, uses(0, "Bad", "acme/greet@v1", Map.of())),
                        Path.of("target/no-secrets"),
                        oneAction(Map.of("action.yml", "runs:\n  using: node20\n  main: [x\n")))
                .run();
        assertThat(other.texts(null, LogChunk.SYSTEM))
                .anyMatch(text -> text.startsWith("forge: acme/greet@v1/action.yml:4:1: "));
        other.stopThreads();
    }

    @Test
    void aCompositeActionsStepsRunAsTheStepThatUsesItWithItsInputsItsOwnStepsContextAndItsOutputs() throws Exception {
        ActionSource actions =
                oneAction(Map.of("action.yml", """
                name: Composite
                inputs:
                  who: {default: world}
                outputs:
                  greeting: {value: "${{ steps.say.outputs.greeting }}"}
                runs:
                  using: composite
                  steps:
                    - id: say
                      run: echo "greeting=hello ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
                      shell: bash
                    - run: ${{ github.action_path }}/tool.sh ${{ steps.say.outcome }}
                      shell: sh
                      env: {FROM: "${{ env.OUTER }}"}
                    - run: echo never
                      if: failure()
                      shell: bash
                    - uses: acme/greet/js@v1
                """, "js/action.yml", "runs: {using: node20, main: main.js}\n"));
        engine.step("0.1").file("output", "greeting=hello Mona\n").out("from the first\n");
        engine.step("0.2").out("from the second\n");
        JobDispatched.Step composite = new JobDispatched.Step(
                0,
                "comp",
                "Comp",
                null,
                "acme/greet@v1",
                Map.of("who", "Mona"),
                null,
                null,
                Map.of("OUTER", "outer value"),
                null,
                null,
                "success()");
        JobDispatched dispatch = dispatch(
                null, composite, step(1, "After", null, "echo ${{ steps.comp.outputs.greeting }}", "success()"));

        execution(dispatch, Path.of("target/no-secrets"), actions).run();

        String root = "/forge/actions/acme/greet/" + ACTION_SHA;
        assertThat(engine.commands).containsExactly("run 0 0 0.1", "run 0 0 0.2", "run 0 0 0.4", "run 1 0", "exit 0");
        assertThat(engine.script("0.1")).isEqualTo("echo \"greeting=hello Mona\" >> \"$GITHUB_OUTPUT\"");
        assertThat(engine.launch("0.1"))
                .contains("export GITHUB_OUTPUT='/forge/io/0.1/output'")
                .endsWith("exec bash --noprofile --norc -eo pipefail /forge/steps/0.1/run\n");
        assertThat(engine.script("0.2")).isEqualTo(root + "/tool.sh success");
        assertThat(engine.launch("0.2"))
                .contains("export FROM='outer value'", "export GITHUB_ACTION_PATH='" + root + "'");
        assertThat(engine.launch("0.4")).endsWith("'node' '" + root + "/js/main.js'\n");
        assertThat(engine.script(1)).isEqualTo("echo hello Mona");
        assertThat(texts(0, LogChunk.STDOUT)).containsExactly("from the first", "from the second");
        assertThat(publisher.events())
                .filteredOn(event -> event.type() == JobEvent.Type.STEP_FINISHED)
                .extracting(event -> event.step().index())
                .containsExactly(0, 1);
        assertThat(publisher.step(0).status()).isEqualTo(Status.SUCCESS);
        assertThat(publisher.finished().status()).isEqualTo(Status.SUCCESS);
    }

    @Test
    void aFailedStepOfACompositeActionFailsTheStepThatUsesItAndOnlyItsFailureStepsRunAfter() throws Exception {
        ActionSource actions = oneAction(Map.of("action.yml", """
                runs:
                  using: composite
                  steps:
                    - run: exit 4
                      shell: bash
                    - run: echo skipped
                      shell: bash
                    - run: echo cleanup
                      if: failure()
                      shell: bash
                """));

        engine.step("0.1").end("failure 4");
        execution(dispatch(null, uses(0, "Comp", "acme/greet@v1", Map.of())), Path.of("target/no-secrets"), actions)
                .run();

        assertThat(engine.commands).containsExactly("run 0 0 0.1", "run 0 0 0.3", "exit 4");
        assertThat(publisher.step(0).status()).isEqualTo(Status.FAILURE);
        assertThat(publisher.finished().reason()).isEqualTo("step \"Comp\" failed with exit code 4");
    }

    @Test
    void aCompositeActionWhoseStepsGitHubWouldRefuseFailsItsStepBeforeAnyOfThemRuns() throws Exception {
        ActionSource actions = oneAction(Map.of(
                "action.yml",
                "runs:\n  using: composite\n  steps:\n    - run: echo fine\n      shell: bash\n"
                        + "    - run: no shell\n"));

        execution(dispatch(null, uses(0, "Comp", "acme/greet@v1", Map.of())), Path.of("target/no-secrets"), actions)
                .run();

        assertThat(engine.commands).containsExactly("exit 1");
        assertThat(texts(null, LogChunk.SYSTEM))
                .contains(
                        "forge: step \"Comp\": step 2 of acme/greet@v1: `shell` is required with `run` in a composite action");
        assertThat(publisher.step(0).status()).isEqualTo(Status.FAILURE);
    }

    @Test
    void aDockerActionIsBuiltAndRunInTheJobsEngineAndADockerImageStepRunsItsImage() throws Exception {
        ActionSource actions = oneAction(Map.of("action.yml", """
                inputs:
                  who: {default: me}
                runs:
                  using: docker
                  image: Dockerfile
                  args: ["--who", "${{ inputs.who }}"]
                  env: {FROM_ACTION: "for ${{ inputs.who }}"}
                  pre-entrypoint: /prepare.sh
                  post-entrypoint: /cleanup.sh
                """));
        JobDispatched dispatch = dispatch(
                null,
                uses(0, "Docker", "acme/greet@v1", Map.of()),
                uses(1, "Image", "docker://registry.local:5000/tools/lint:2", Map.of("args", "check \"two words\"")));

        execution(dispatch, Path.of("target/no-secrets"), actions).run();

        String root = "/forge/actions/acme/greet/" + ACTION_SHA;
        assertThat(engine.launch(0))
                .contains(
                        "export INPUT_WHO='me'",
                        "export FROM_ACTION='for me'",
                        "exec 'sh' '-ec' ",
                        "docker build -t ",
                        "/Dockerfile",
                        "--who",
                        "/github/workspace")
                .contains(root);
        assertThat(engine.launch(1))
                .contains("registry.local:5000/tools/lint:2", "two words")
                .doesNotContain("docker build");
        assertThat(engine.launch(2)).contains("--entrypoint ", "/cleanup.sh").doesNotContain("docker build");
        assertThat(publisher.step(2).name()).isEqualTo("Post Docker");
        assertThat(engine.commands.get(0)).isEqualTo("run -2 0");
        assertThat(engine.launch(-2)).contains("docker build -t ", "--entrypoint ", "/prepare.sh");
        assertThat(publisher.step(-2).name()).isEqualTo("Pre Docker");
        assertThat(publisher.finished().status()).isEqualTo(Status.SUCCESS);
    }

    @Test
    void aJobsServicesAndContainerStartBeforeItsStepsAndItsRunStepsExecIntoTheContainer() {
        JsonNode container = Dispatches.json(
                "{\"image\": \"registry.local/app:${{ matrix.v }}\", \"env\": {\"MODE\": \"ci\"}, \"options\": \"--cpus 1\"}");
        JsonNode services = Dispatches.json(
                "{\"db\": {\"image\": \"postgres:16\", \"env\": {\"POSTGRES_PASSWORD\": \"${{ vars.REGION }}-pw\"},"
                        + " \"ports\": [\"5432:5432\"], \"options\": \"--health-cmd \\\"pg_isready -U postgres\\\" --health-interval 1s\"}}");
        JobDispatched base = dispatch(
                null,
                step(
                        0,
                        "Build",
                        null,
                        "make ${{ job.services.db.ports['5432'] }} ${{ job.container.network }}",
                        "success()"));
        JobDispatched dispatch = Dispatches.edited(
                base,
                tree -> tree.with("job")
                        .<ObjectNode>set("container", container)
                        .<ObjectNode>set("services", services)
                        .set("matrix", Dispatches.json("{\"v\": \"3\"}")));

        execution(dispatch).run();

        assertThat(engine.commands).containsExactly("init", "run 0 0", "exit 0");
        assertThat(engine.script("init"))
                .contains(
                        "docker network create forge-job",
                        "docker run -d --name 'db' --network forge-job --network-alias 'db' -e 'POSTGRES_PASSWORD=eu-pw' -p '5432:5432' "
                                + "'--health-cmd' 'pg_isready -U postgres' '--health-interval' '1s' 'postgres:16' >/dev/null",
                        "forge_wait 'db' service",
                        "docker run -d --name forge-job --network forge-job -v /workspace:/workspace -v /forge:/forge -w /workspace \"$@\" -e 'MODE=ci' "
                                + "'--cpus' '1' --entrypoint tail 'registry.local/app:3' -f /dev/null");
        assertThat(engine.script("init").indexOf("forge_wait 'db'"))
                .isLessThan(engine.script("init").indexOf("starting the job container"));
        assertThat(engine.launch(0))
                .contains(
                        "exec /forge/docker-client exec -i -w '/workspace' -e 'CI' ",
                        " -e 'GITHUB_OUTPUT' ",
                        " 'forge-job' sh -c ")
                .doesNotContain("-e 'PATH'");
        assertThat(engine.script(0)).isEqualTo("make 5432 forge-job");
    }

    @Test
    void aContainerJobsJavaScriptActionsRunInTheContainerUnderTheRunnersNodeMountedThere() throws Exception {
        ActionSource actions =
                oneAction(Map.of("action.yml", "runs: {using: node20, main: dist/main.js, post: dist/post.js}\n"));
        JobDispatched base = dispatch(null, uses(0, "Greet", "acme/greet@v1", Map.of("who-to-greet", "Mona")));
        JobDispatched dispatch = Dispatches.withJob(base, Map.of("container", "{\"image\": \"busybox\"}"));

        execution(dispatch, Path.of("target/no-secrets"), actions).run();

        assertThat(engine.script("init"))
                .contains(
                        "forge_node=$(command -v node)",
                        "ldd \"$forge_node\"",
                        "-v \"$forge_node:/__e/node/bin/node:ro\" -v \"$forge_loader:/__e/node/ld.so:ro\"");
        String node = "'forge-job' '/__e/node/ld.so' '--library-path' '/__e/node/lib' '/__e/node/bin/node' ";
        String root = "/forge/actions/acme/greet/" + ACTION_SHA;
        assertThat(engine.launch(0))
                .contains(
                        "exec env 'INPUT_WHO-TO-GREET=Mona' /forge/docker-client exec -i -w '/workspace' ",
                        " -e 'INPUT_WHO-TO-GREET' ",
                        node + "'" + root + "/dist/main.js'");
        assertThat(engine.launch(1)).contains(node + "'" + root + "/dist/post.js'");
    }

    @Test
    void containersThatDoNotStartFailTheJobBeforeAnyStep() {
        engine.step("init").end("failure 1");
        JobDispatched base = dispatch(null, step(0, "Build", null, "make", "always()"));
        JobDispatched dispatch = Dispatches.withJob(base, Map.of("services", "{\"db\": {\"image\": \"missing:1\"}}"));

        execution(dispatch).run();

        assertThat(engine.commands).containsExactly("init", "exit 1");
        assertThat(publisher.finished().status()).isEqualTo(Status.FAILURE);
        assertThat(publisher.finished().reason()).isEqualTo("the job's containers did not start");
        assertThat(publisher.step(0).status()).isEqualTo(Status.SKIPPED);
    }

    @Test
    void aJavaScriptActionsPreRunsBeforeTheStepsWhenItsConditionHoldsAndIsListedFirst() throws Exception {
        ActionSource actions = oneAction(Map.of(
                "action.yml",
                """
                inputs:
                  who: {default: nobody}
                runs:
                  using: node20
                  pre: pre.js
                  main: main.js
                  pre-if: runner.os == 'Linux'
                """,
                "js/action.yml",
                "runs: {using: node20, main: m.js, pre: p.js, pre-if: \"runner.os == 'Windows'\"}\n"));
        JobDispatched dispatch = dispatch(
                null,
                step(0, "First"),
                uses(1, "Greet", "acme/greet@v1", Map.of("who", "${{ vars.REGION }}", "extra", "x")),
                uses(2, "Never pre", "acme/greet/js@v1", Map.of()));

        execution(dispatch, Path.of("target/no-secrets"), actions).run();

        String root = "/forge/actions/acme/greet/" + ACTION_SHA;
        assertThat(engine.commands).containsExactly("run -3 0", "run 0 0", "run 1 0", "run 2 0", "exit 0");
        assertThat(engine.launch(-3)).contains("export INPUT_WHO='eu'").endsWith("'node' '" + root + "/pre.js'\n");
        assertThat(publisher.step(-3).name()).isEqualTo("Pre Greet");
        assertThat(publisher.step(-3).status()).isEqualTo(Status.SUCCESS);
        assertThat(publisher.step(-2).name()).isEqualTo("Pre Never pre");
        assertThat(publisher.step(-2).status()).isEqualTo(Status.SKIPPED);
        // evaluated for the pre phase and for the step, said once
        assertThat(texts(null, LogChunk.SYSTEM))
                .filteredOn(text -> text.startsWith("forge: Unexpected input(s) 'extra'"))
                .hasSize(1);
        assertThat(publisher.finished().status()).isEqualTo(Status.SUCCESS);
    }

    @Test
    void registryCredentialsReachTrustedJobsOnlyAndWhatTheyHoldIsMasked() throws Exception {
        Path auth = Files.createTempFile("forge-registry-auth", ".json");
        String token = java.util.Base64.getEncoder().encodeToString("robot:s3cr3t-registry-pass".getBytes());
        Files.writeString(auth, "{\"auths\": {\"registry.example\": {\"auth\": \"" + token + "\"}}}");
        JobSettings settings = settings(List.of("https://mirror.example"), auth);
        engine.step(0).out("password s3cr3t-registry-pass, auth " + token + "\n");

        execution(dispatch(null, step(0, "Leak")), settings, Path.of("target/no-secrets"), action -> null)
                .run();

        assertThat(engine.created().files()).containsKey("root/.docker/config.json");
        assertThat(engine.created().env()).containsEntry("FORGE_REGISTRY_MIRRORS", "https://mirror.example");
        assertThat(texts(0, LogChunk.STDOUT)).containsExactly("password ***, auth ***");

        JobExecutionTest untrusted = new JobExecutionTest();
        JobDispatched patch = dispatch(null, step(0, "Patch"));
        JobDispatched notTrusted = Dispatches.edited(patch, tree -> tree.put("trusted", false));
        untrusted
                .execution(notTrusted, settings, Path.of("target/no-secrets"), action -> null)
                .run();
        assertThat(untrusted.engine.created().files()).doesNotContainKey("root/.docker/config.json");
        untrusted.stopThreads();
    }

    @Test
    void aCompositeActionThatUsesItselfStopsAtGitHubsNestingLimitInsteadOfRecursingForever() throws Exception {
        ActionSource actions =
                oneAction(Map.of("action.yml", "runs:\n  using: composite\n  steps:\n    - uses: acme/greet@v1\n"));

        execution(dispatch(null, uses(0, "Self", "acme/greet@v1", Map.of())), Path.of("target/no-secrets"), actions)
                .run();

        assertThat(engine.commands).containsExactly("exit 1");
        assertThat(texts(null, LogChunk.SYSTEM))
                .contains("forge: acme/greet@v1 nests composite actions deeper than 10");
        assertThat(texts(null, LogChunk.SYSTEM))
                .filteredOn(text -> text.startsWith("forge: Download action repository"))
                .hasSize(1);
        assertThat(publisher.finished().reason()).isEqualTo("step \"Self\" failed with exit code 1");
    }
}
