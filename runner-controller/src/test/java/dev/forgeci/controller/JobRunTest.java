package dev.forgeci.controller;

import static dev.forgeci.controller.TestJobs.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.forgeci.controller.events.Topics;
import dev.forgeci.testkit.BareRepo;
import io.quarkus.test.junit.QuarkusTest;

/** Jobs run for real: dispatched on the broker, run in the real runner image by the real Docker engine. */
@QuarkusTest
class JobRunTest {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final ControllerHarness harness = new ControllerHarness();

    @Test
    void stepsRunAsWrittenAndAFailedStepEndsTheJob() {
        String rid = TestJobs.repositoryId();
        BareRepo repo = harness.repository(rid);
        String commit = repo.commit(Map.of("README.md", "# test\n", "sub/file.txt", "in the sub directory\n"), "first");
        String multiLine = """
                message='single "double" $not_expanded'
                echo "$message"
                printf '%s|%s\\n' "two words" 'it'"'"'s'
                if [ -n "$GREETING" ]; then
                  echo "greeting is $GREETING, step says $STEP_ONLY"
                fi
                """;
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                        "build",
                        1,
                        rid,
                        step(1, "Multi-line", multiLine).with("env", Map.of("STEP_ONLY", "step value")),
                        step(2, "Working directory", "pwd; cat file.txt").with("workingDirectory", "sub"),
                        step(3, "Tolerated", "echo about to fail; exit 3").with("continueOnError", true),
                        step(4, "Fails", "echo failing >&2; exit 7"),
                        step(5, "Skipped", "echo never"),
                        step(6, "Cleanup", "echo cleanup").with("if", "always"))
                .checkout(harness.cloneUrl(rid), commit, "refs/heads/main")
                .withJob("env", Map.of("GREETING", "hello world"));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        job.assertComplete();
        assertThat(job.status()).isEqualTo("failure");
        assertThat(job.finished().path("exitCode").asInt()).isEqualTo(7);
        assertThat(job.reason()).isEqualTo("step \"Fails\" failed with exit code 7");
        assertThat(job.texts(1))
                .containsExactly(
                        "single \"double\" $not_expanded",
                        "two words|it's",
                        "greeting is hello world, step says step value");
        assertThat(job.texts(2)).containsExactly("/workspace/sub", "in the sub directory");
        assertThat(job.texts(3)).containsExactly("about to fail");
        assertThat(job.texts(4, "stderr")).containsExactly("failing");
        assertThat(job.texts(5)).isEmpty();
        assertThat(job.texts(6)).containsExactly("cleanup");
        assertThat(job.step(1).path("status").asText()).isEqualTo("success");
        assertThat(job.step(2).path("status").asText()).isEqualTo("success");
        assertThat(job.step(3).path("status").asText()).isEqualTo("failure");
        assertThat(job.step(3).path("exitCode").asInt()).isEqualTo(3);
        assertThat(job.step(4).path("status").asText()).isEqualTo("failure");
        assertThat(job.step(4).path("exitCode").asInt()).isEqualTo(7);
        assertThat(job.step(5).path("status").asText()).isEqualTo("skipped");
        assertThat(job.step(6).path("status").asText()).isEqualTo("success");
        assertThat(job.texts(null)).anyMatch(text -> text.contains("checked out " + commit));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(harness.runnersOf(dispatch)).isEmpty();
            assertThat(harness.runnerVolumes()).noneMatch(volume -> volume.contains(dispatch.runId));
        });
    }

    @Test
    void gitHubsRuntimeContractHoldsInARealRunner() {
        String rid = TestJobs.repositoryId();
        BareRepo repo = harness.repository(rid);
        String commit =
                repo.commit(Map.of("package-lock.json", "{\"lockfileVersion\": 3}\n", "src/a.js", "a\n"), "first");
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                        "build",
                        1,
                        rid,
                        step(0, "Write", """
                        echo "version=1.2.3" >> "$GITHUB_OUTPUT"
                        { echo 'notes<<EOF'; echo 'line one'; echo 'line two'; echo 'EOF'; } >> "$GITHUB_OUTPUT"
                        echo "FROM_ENV_FILE=set by step 0" >> "$GITHUB_ENV"
                        mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\necho tool ran\n' > "$RUNNER_TEMP/bin/mytool"
                        chmod +x "$RUNNER_TEMP/bin/mytool" && echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
                        echo '## Summary' >> "$GITHUB_STEP_SUMMARY"
                        echo "::add-mask::p4ssw0rd"
                        echo "the word is p4ssw0rd"
                        """).with("id", "meta"),
                        step(1, "Read ${{ steps.meta.outputs.version }}", """
                        echo "version=${{ steps.meta.outputs.version }}"
                        echo "notes=${{ steps.meta.outputs.notes }}"
                        echo "env=$FROM_ENV_FILE ctx=${{ env.FROM_ENV_FILE }}"
                        mytool
                        echo "sha=$GITHUB_SHA ref=$GITHUB_REF event=$GITHUB_EVENT_NAME os=$RUNNER_OS workspace=$GITHUB_WORKSPACE"
                        echo "event=$(cat "$GITHUB_EVENT_PATH")"
                        echo "key=${{ hashFiles('**/package-lock.json') }}"
                        echo "none=[${{ hashFiles('**/nothing.lock') }}]"
                        echo "matrix=${{ matrix.node }} index=${{ strategy.job-index }} needs=${{ needs.setup.outputs.flavour }}"
                        """)
                                .with("if", "success() && (steps.meta.outputs.version == '1.2.3')"))
                .checkout(harness.cloneUrl(rid), commit, "refs/heads/main")
                .with(
                        "context",
                        Map.of(
                                "github",
                                Map.of(
                                        "sha",
                                        commit,
                                        "ref",
                                        "refs/heads/main",
                                        "event_name",
                                        "push",
                                        "event",
                                        Map.of("ref", "refs/heads/main")),
                                "needs",
                                Map.of("setup", Map.of("result", "success", "outputs", Map.of("flavour", "vanilla")))))
                .withJob("matrix", Map.of("node", 20))
                .withJob("strategy", Map.of("jobIndex", 1, "jobTotal", 2))
                .withJob("outputs", Map.of("version", "${{ steps.meta.outputs.version }}"));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        job.assertComplete();
        assertThat(job.status()).isEqualTo("success");
        assertThat(job.texts(0)).containsExactly("the word is ***");
        String key = sha256OfSha256("{\"lockfileVersion\": 3}\n");
        assertThat(job.texts(1))
                .containsExactly(
                        "version=1.2.3",
                        "notes=line one",
                        "line two",
                        "env=set by step 0 ctx=set by step 0",
                        "tool ran",
                        "sha=" + commit + " ref=refs/heads/main event=push os=Linux workspace=/workspace",
                        "event={\"ref\":\"refs/heads/main\"}",
                        "key=" + key,
                        "none=[]",
                        "matrix=20 index=1 needs=vanilla");
        assertThat(job.step(1).path("name").asText()).isEqualTo("Read 1.2.3");
        assertThat(job.step(0).path("summary").asText()).isEqualTo("## Summary\n");
        assertThat(job.finished().path("outputs").path("version").asText()).isEqualTo("1.2.3");
    }

    /** hashFiles() of one file, as GitHub computes it: the SHA-256 of the file's SHA-256. */
    private static String sha256OfSha256(String content) {
        try {
            java.security.MessageDigest outer = java.security.MessageDigest.getInstance("SHA-256");
            outer.update(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return java.util.HexFormat.of().formatHex(outer.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void checksOutTheExactCommitEvenWhenItIsNotTheBranchHead() {
        String rid = TestJobs.repositoryId();
        BareRepo repo = harness.repository(rid);
        repo.commit(Map.of("version.txt", "1\n"), "one");
        String wanted = repo.commit(Map.of("version.txt", "2\n"), "two");
        repo.commit(Map.of("version.txt", "3\n"), "three");
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                        "checkout", 1, rid, step(1, "Show", "git rev-parse HEAD; cat version.txt"))
                .checkout(harness.cloneUrl(rid), wanted, "refs/heads/main");

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.status()).isEqualTo("success");
        assertThat(job.texts(1)).containsExactly(wanted, "2");
    }

    @Test
    void aCommitTheSeedDoesNotHaveFailsTheCheckoutAndNoStepRuns() {
        String rid = TestJobs.repositoryId();
        harness.repository(rid).commit(Map.of("a.txt", "a\n"), "only commit");
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch("missing", 1, rid, step(1, "Never", "echo never"))
                .checkout(harness.cloneUrl(rid), "0123456789abcdef0123456789abcdef01234567", "refs/heads/main");

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.status()).isEqualTo("failure");
        assertThat(job.reason()).isEqualTo("checkout failed");
        assertThat(job.step(1).path("status").asText()).isEqualTo("skipped");
        assertThat(job.texts()).anyMatch(text -> text.contains("is not in refs/heads/main"));
    }

    @Test
    void aStepBuildsAnImageFromScratchAndRunsItWithTheRunnersOwnDocker() {
        // A FROM scratch image needs a program with its libraries; the runner's own echo will do.
        String script = """
                mkdir -p /tmp/ctx
                for file in /bin/echo $(ldd /bin/echo | grep -o '/[^ ]*'); do
                  mkdir -p "/tmp/ctx$(dirname "$file")"
                  cp -L "$file" "/tmp/ctx$file"
                done
                printf 'FROM scratch\\nCOPY . /\\nENTRYPOINT ["/bin/echo"]\\n' > /tmp/ctx/Dockerfile
                docker build -q -t forge-scratch-test /tmp/ctx
                docker run --rm forge-scratch-test "hello from a scratch image"
                """;
        TestJobs.Dispatch dispatch =
                new TestJobs.Dispatch("dind", 1, TestJobs.repositoryId(), step(1, "Docker in Docker", script));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.status()).as(String.join("\n", job.texts())).isEqualTo("success");
        assertThat(job.texts(1)).contains("hello from a scratch image");
    }

    @Test
    void stepsStartWithoutWaitingForTheInnerEngineAndTheirFirstDockerCommandWaitsForIt() {
        TestJobs.Dispatch dispatch = new TestJobs.Dispatch(
                "lazy",
                1,
                TestJobs.repositoryId(),
                step(
                        1,
                        "No engine needed",
                        "command -v docker; test -e /var/run/forge-docker-ready || echo 'engine not awaited'"),
                // a step may put its own directories first; the shim still finds the real client
                step(
                        2,
                        "Engine on demand",
                        "export PATH=/opt/tools:$PATH; docker version --format 'server {{.Server.Os}}'"),
                step(
                        3,
                        "Later commands",
                        "test -e /var/run/forge-docker-ready && docker info --format 'containers {{.Containers}}'"));

        harness.dispatch(dispatch);
        ControllerHarness.JobRecord job = harness.finished(dispatch, JOB_TIMEOUT);

        assertThat(job.status()).as(String.join("\n", job.texts())).isEqualTo("success");
        assertThat(job.texts(1)).containsExactly("/usr/local/lib/forge/bin/docker", "engine not awaited");
        assertThat(job.texts(2)).containsExactly("server linux");
        assertThat(job.texts(3)).containsExactly("containers 0");
    }

    @Test
    void anUndecodableDispatchGoesToTheDeadLettersAndTheNextOneRuns() {
        TestJobs.Dispatch next =
                new TestJobs.Dispatch("after-garbage", 1, TestJobs.repositoryId(), step(1, "Echo", "echo still here"));
        harness.awaitControllerListening();
        harness.kafka().send(Topics.JOB_DISPATCHED, next.runId, "{not json");

        harness.dispatch(next);

        var dead = harness.watcher()
                .awaitOne(
                        seen -> Topics.DEAD_LETTERS.equals(seen.topic()) && next.runId.equals(seen.key()), JOB_TIMEOUT);
        assertThat(dead.value()).isEqualTo("{not json");
        assertThat(harness.finished(next, JOB_TIMEOUT).texts(1)).containsExactly("still here");
    }

    @Test
    void theTrustedPoolRefusesAnUntrustedRunsJobThatReachedItsTopicAndRunsNothingOfIt() {
        TestJobs.Dispatch stranger = new TestJobs.Dispatch(
                        "stranger", 1, TestJobs.repositoryId(), step(1, "Echo", "echo ran"))
                .with("trusted", false);
        TestJobs.Dispatch next =
                new TestJobs.Dispatch("after-stranger", 1, TestJobs.repositoryId(), step(1, "Echo", "echo still here"));

        harness.dispatch(stranger);
        harness.dispatch(next);

        var dead = harness.watcher()
                .awaitOne(
                        seen -> Topics.DEAD_LETTERS.equals(seen.topic()) && stranger.runId.equals(seen.key()),
                        JOB_TIMEOUT);
        assertThat(dead.headers().get("dead-letter-reason"))
                .contains("is for an untrusted run; the trusted runner pool refuses it");
        assertThat(harness.finished(next, JOB_TIMEOUT).texts(1)).containsExactly("still here");
        assertThat(harness.watcher()
                        .matching(seen -> Topics.JOB_EVENTS.equals(seen.topic()) && stranger.runId.equals(seen.key())))
                .as("no job-started, no runner")
                .isEmpty();
    }

    @Test
    void theRunnerCarriesTheJobsLabelsAndLimits() {
        TestJobs.Dispatch dispatch =
                new TestJobs.Dispatch("labels", 2, TestJobs.repositoryId(), step(1, "Wait", "echo started; sleep 30"));

        harness.dispatch(dispatch);
        harness.awaitLine(dispatch, "started", JOB_TIMEOUT);

        var container = harness.docker()
                .inspectContainerCmd(harness.runnersOf(dispatch).get(0).getId())
                .exec();
        assertThat(container.getConfig().getLabels())
                .containsEntry("forge.controller-id", ControllerHarness.controllerId())
                .containsEntry("forge.run-id", dispatch.runId)
                .containsEntry("forge.job-id", "labels")
                .containsEntry("forge.attempt", "2");
        assertThat(container.getHostConfig().getNanoCPUs()).isEqualTo(1_000_000_000L);
        assertThat(container.getHostConfig().getMemory()).isEqualTo(512L * 1024 * 1024);
        assertThat(harness.runnerVolumes()).anyMatch(volume -> volume.contains(dispatch.runId));
        harness.cancel(dispatch, "cancelled");
        assertThat(harness.finished(dispatch, JOB_TIMEOUT).status()).isEqualTo("cancelled");
    }
}
