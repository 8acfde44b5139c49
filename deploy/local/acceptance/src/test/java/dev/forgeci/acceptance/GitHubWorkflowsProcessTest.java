package dev.forgeci.acceptance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.LogFollower;
import dev.forgeci.testkit.TestTokens;
import io.restassured.response.ValidatableResponse;

/**
 * A corpus of GitHub Actions workflows, written as people write them in .github/workflows, run over
 * the four services as processes with a real broker, Redis, Docker engine and git gateway; each
 * job's log is asserted line by line against what GitHub documents.
 */
class GitHubWorkflowsProcessTest {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    private static ForgeStack forge;

    @BeforeAll
    static void startForge() {
        forge = ForgeStack.get();
    }

    @Test
    void aMatrixWithIncludeAndExcludeRunsTheCombinationsGitHubDocumentsAndNeedsWaitsForAllOfThem() {
        Run run = dispatch("""
                name: Matrix
                on: workflow_dispatch
                jobs:
                  test:
                    name: Test ${{ matrix.os }}
                    runs-on: ${{ matrix.os }}
                    strategy:
                      fail-fast: false
                      matrix:
                        os: [ubuntu-latest, ubuntu-22.04]
                        node: [18, 20]
                        exclude:
                          - os: ubuntu-22.04
                            node: 18
                        include:
                          - node: 20
                            lts: true
                          - os: ubuntu-24.04
                            node: 22
                    steps:
                      - run: echo "os=${{ matrix.os }} node=${{ matrix.node }} lts=${{ matrix.lts || 'no' }} job ${{ strategy.job-index }} of ${{ strategy.job-total }}"
                  after:
                    needs: test
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "after ${{ needs.test.result }}"
                """, Map.of());

        assertThat(run.status()).as(run.transcript()).isEqualTo("success");
        assertThat(run.lines("test.1")).containsExactly("os=ubuntu-latest node=18 lts=no job 0 of 4");
        assertThat(run.lines("test.2")).containsExactly("os=ubuntu-latest node=20 lts=true job 1 of 4");
        assertThat(run.lines("test.3")).containsExactly("os=ubuntu-22.04 node=20 lts=true job 2 of 4");
        assertThat(run.lines("test.4")).containsExactly("os=ubuntu-24.04 node=22 lts=no job 3 of 4");
        assertThat(run.lines("after")).containsExactly("after success");
        assertThat(run.detail
                        .path("jobs")
                        .valueStream()
                        .map(job -> job.path("name").asText()))
                .containsExactly(
                        "Test ubuntu-latest", "Test ubuntu-latest", "Test ubuntu-22.04", "Test ubuntu-24.04", "after");
        assertThat(Instant.of(Forge.job(run.detail, "after").path("startedAt")))
                .isAfterOrEqualTo(run.detail
                        .path("jobs")
                        .valueStream()
                        .limit(4)
                        .map(job -> Instant.of(job.path("finishedAt")))
                        .max(java.util.Comparator.naturalOrder())
                        .orElseThrow());
    }

    @Test
    void outputsFlowFromStepsToJobsToAMatrixBuiltFromThemAndToConditions() {
        Run run = dispatch("""
                on: workflow_dispatch
                jobs:
                  setup:
                    runs-on: ubuntu-latest
                    outputs:
                      targets: ${{ steps.list.outputs.targets }}
                      deploy: ${{ steps.decide.outputs.deploy }}
                    steps:
                      - id: list
                        run: echo 'targets=["arm64","amd64"]' >> "$GITHUB_OUTPUT"
                      - id: decide
                        run: echo "deploy=true" >> "$GITHUB_OUTPUT"
                  build:
                    needs: setup
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        arch: ${{ fromJSON(needs.setup.outputs.targets) }}
                    steps:
                      - run: echo "building ${{ matrix.arch }}"
                  deploy:
                    needs: [setup, build]
                    if: needs.setup.outputs.deploy == 'true'
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "deploying after ${{ needs.build.result }}, targets ${{ join(fromJSON(needs.setup.outputs.targets), '+') }}"
                  never:
                    needs: setup
                    if: needs.setup.outputs.deploy == 'false'
                    runs-on: ubuntu-latest
                    steps: [{run: echo never}]
                """, Map.of());

        assertThat(run.status()).as(run.transcript()).isEqualTo("success");
        assertThat(run.lines("build.1")).containsExactly("building arm64");
        assertThat(run.lines("build.2")).containsExactly("building amd64");
        assertThat(run.lines("deploy")).containsExactly("deploying after success, targets arm64+amd64");
        assertThat(Forge.job(run.detail, "setup").path("outputs").toString())
                .isEqualTo("{\"targets\":\"[\\\"arm64\\\",\\\"amd64\\\"]\",\"deploy\":\"true\"}");
        assertThat(Forge.job(run.detail, "never").path("status").asText()).isEqualTo("skipped");
        assertThat(run.lines("never")).isEmpty();
    }

    @Test
    void environmentFilesPathAndSummaryReachTheLaterSteps() {
        Run run = dispatch("""
                on: workflow_dispatch
                env:
                  WORKFLOW_LEVEL: wf
                jobs:
                  files:
                    runs-on: ubuntu-latest
                    env:
                      JOB_LEVEL: job-${{ github.event_name }}
                    steps:
                      - id: first
                        run: |
                          echo "FROM_FILE=file value" >> "$GITHUB_ENV"
                          { echo 'MULTI<<END'; echo 'a'; echo 'b'; echo 'END'; } >> "$GITHUB_ENV"
                          mkdir -p "$RUNNER_TEMP/tools"
                          printf '#!/bin/sh\\necho hello from a tool\\n' > "$RUNNER_TEMP/tools/greet"
                          chmod +x "$RUNNER_TEMP/tools/greet"
                          echo "$RUNNER_TEMP/tools" >> "$GITHUB_PATH"
                          echo "### Done" >> "$GITHUB_STEP_SUMMARY"
                      - name: Use ${{ env.FROM_FILE }}
                        env:
                          STEP_LEVEL: ${{ env.JOB_LEVEL }}-step
                        run: |
                          echo "$WORKFLOW_LEVEL $JOB_LEVEL $STEP_LEVEL"
                          echo "$FROM_FILE / ${{ env.FROM_FILE }}"
                          echo "$MULTI" | tr '\\n' ','; echo
                          greet
                          echo "outcome=${{ steps.first.outcome }} ci=$CI actions=$GITHUB_ACTIONS os=$RUNNER_OS"
                      - shell: python
                        run: |
                          import os
                          print("python sees", os.environ["FROM_FILE"], "${{ env.JOB_LEVEL }}")
                """, Map.of());

        assertThat(run.status()).as(run.transcript()).isEqualTo("success");
        assertThat(run.lines("files"))
                .containsExactly(
                        "wf job-workflow_dispatch job-workflow_dispatch-step",
                        "file value / file value",
                        "a,b,",
                        "hello from a tool",
                        "outcome=success ci=true actions=true os=Linux",
                        "python sees file value job-workflow_dispatch");
        JsonNode steps = Forge.job(run.detail, "files").path("steps");
        assertThat(steps.get(0).path("summary").asText()).isEqualTo("### Done\n");
        assertThat(steps.get(1).path("name").asText()).isEqualTo("Use file value");
    }

    @Test
    void expressionsWorkInEveryPlaceGitHubAllowsThem() {
        Run run = dispatch("""
                name: Everywhere
                run-name: Everywhere by ${{ github.actor }}
                on: workflow_dispatch
                concurrency:
                  group: everywhere-${{ github.ref_name }}
                jobs:
                  one:
                    name: One on ${{ github.event_name }}
                    runs-on: ubuntu-latest
                    timeout-minutes: ${{ fromJSON('7') }}
                    continue-on-error: ${{ github.event_name != 'workflow_dispatch' }}
                    steps:
                      - run: mkdir -p sub/deeper
                      - name: In ${{ format('sub/{0}', 'deeper') }}
                        working-directory: ${{ format('sub/{0}', 'deeper') }}
                        timeout-minutes: ${{ fromJSON('2') }}
                        run: pwd
                      - id: fails
                        continue-on-error: ${{ true }}
                        run: exit 4
                      - if: steps.fails.outcome == 'failure' && steps.fails.conclusion == 'success'
                        run: echo "saw the failure; the job is ${{ job.status }}"
                      - if: ${{ false }}
                        run: echo never
                      - if: ${{ contains(fromJSON('["x","y"]'), 'Y') && startsWith(github.ref, 'refs/heads/') }}
                        run: echo "functions ok on ${{ github.ref_name }}"
                      - run: exit 9
                      - if: failure()
                        run: echo "failure() after the failed step"
                      - if: always()
                        run: echo 'always ${{ toJSON(fromJSON('{"a":[1]}')) }}'
                """, Map.of());

        assertThat(run.status()).as(run.transcript()).isEqualTo("failure");
        assertThat(run.detail.path("runName").asText()).isEqualTo("Everywhere by " + TestTokens.OPERATOR);
        assertThat(run.detail.path("concurrencyGroup").asText()).isEqualTo("everywhere-main");
        JsonNode job = Forge.job(run.detail, "one");
        assertThat(job.path("name").asText()).isEqualTo("One on workflow_dispatch");
        assertThat(job.path("timeoutMinutes").asDouble()).isEqualTo(7);
        assertThat(job.path("steps").get(1).path("name").asText()).isEqualTo("In sub/deeper");
        assertThat(run.lines("one"))
                .containsExactly(
                        "/workspace/sub/deeper",
                        "saw the failure; the job is success",
                        "functions ok on main",
                        "failure() after the failed step",
                        "always {",
                        "  \"a\": [",
                        "    1",
                        "  ]",
                        "}");
        assertThat(job.path("steps").findValuesAsText("status"))
                .containsExactly(
                        "success", "success", "failure", "success", "skipped", "success", "failure", "success",
                        "success");
        assertThat(job.path("reason").asText()).isEqualTo("step \"exit 9\" failed with exit code 9");
    }

    @Test
    void pushesTagsAndPatchesAreGitHubsEventsAndFiltersDecideWhatRuns() {
        String rid = Forge.newRepositoryId();
        BareRepo repo = Forge.repository(rid);
        String commit = repo.commit(
                Map.of(".github/workflows/events.yml", """
                on:
                  push:
                    branches: [main]
                    tags: ['v*']
                  pull_request:
                    branches: [main]
                jobs:
                  show:
                    runs-on: ubuntu-latest
                    steps:
                      - run: |
                          echo "event=${{ github.event_name }} ref=${{ github.ref }} name=${{ github.ref_name }} type=${{ github.ref_type }}"
                          echo "head=${{ github.event.head_commit.message }} same=${{ github.event.pull_request.head.sha == github.sha }} base=${{ github.base_ref }}"
                """, ".github/workflows/src-only.yml", """
                on:
                  push:
                    paths: ['src/**']
                jobs:
                  build: {runs-on: ubuntu-latest, steps: [{run: echo built}]}
                """), "events");

        JsonNode branchPush = Forge.webhook("push", push(rid, commit, "main", null, List.of("README.md")), 202);
        assertThat(branchPush.path("runs")).hasSize(1);
        assertThat(branchPush.path("skipped").get(0).path("reason").asText())
                .isEqualTo("none of the 1 changed files matches its `paths` [src/**]");
        Run branchPushRun = first(branchPush);
        assertThat(branchPushRun.lines("show"))
                .as(branchPushRun.transcript())
                .containsExactly(
                        "event=push ref=refs/heads/main name=main type=branch",
                        "head=docs: say hello same=false base=");

        // "Path filters are not evaluated for pushes of tags" (GitHub's workflow syntax, on.push.paths)
        JsonNode tagPush = Forge.webhook("push", push(rid, commit, null, "refs/tags/v1.0", List.of("README.md")), 202);
        assertThat(tagPush.path("runs").findValuesAsText("file"))
                .containsExactly(".github/workflows/events.yml", ".github/workflows/src-only.yml");
        Run tagPushRun = first(tagPush);
        assertThat(tagPushRun.lines("show"))
                .as(tagPushRun.transcript())
                .containsExactly(
                        "event=push ref=refs/tags/v1.0 name=v1.0 type=tag", "head=docs: say hello same=false base=");

        JsonNode elsewhere = Forge.webhook("push", push(rid, commit, "dev", null, List.of("README.md")), 200);
        assertThat(elsewhere.path("skipped").findValuesAsText("reason"))
                .contains("its `on.push.branches` [main] do not match branch `dev`");

        ObjectNode patch = Forge.fixture("webhook-patch.json");
        String patchId = patch.path("patch").path("id").asText();
        String patchCommit =
                repo.commit("patches/" + patchId, Map.of("src/a.c", "int main;\n"), "a contributor's patch");
        Forge.pointAtStack(patch, rid, patchCommit);
        ((ObjectNode) patch.path("repository")).put("default_branch", "main");
        ((ObjectNode) patch.path("patch")).put("after", patchCommit);
        ((ObjectNode) patch.path("patch").path("revisions").get(0))
                .put("oid", patchCommit)
                .put("base", commit);
        ((ObjectNode) patch.path("patch").path("commits").get(0)).put("id", patchCommit);
        JsonNode pullRequest = Forge.webhook("patch", patch, 202);
        // The patch's author is not a delegate: the run waits for an approval (see the user journeys).
        String pullRequestRunId = pullRequest.path("runs").get(0).path("runId").asText();
        await("the patch's run waits")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> Forge.run(pullRequestRunId).path("status").asText().equals("waiting"));
        Forge.approve(pullRequestRunId);
        Run pullRequestRun = first(pullRequest);
        assertThat(pullRequestRun.lines("show"))
                .as(pullRequestRun.transcript())
                .containsExactly(
                        "event=pull_request ref=refs/namespaces/"
                                + patch.path("patch")
                                        .path("author")
                                        .path("id")
                                        .asText()
                                        .substring("did:key:".length()) + "/refs/heads/patches/" + patchId
                                + " name=patches/" + patchId + " type=branch",
                        "head= same=true base=main");
    }

    @Test
    void dispatchInputsAreTypedAndCheckedAsGitHubChecksThem() {
        String workflow = """
                on:
                  workflow_dispatch:
                    inputs:
                      level: {type: choice, options: [info, debug], default: info}
                      dry-run: {type: boolean}
                      count: {type: number, default: 3}
                jobs:
                  show:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "${{ inputs.level }} ${{ inputs.dry-run }} ${{ inputs.count }} ${{ github.event.inputs.dry-run }} typed=${{ inputs.dry-run == true }}"
                """;
        Run run = dispatch(workflow, Map.of("level", "debug", "dry-run", true));
        assertThat(run.lines("show")).as(run.transcript()).containsExactly("debug true 3 true typed=true");

        Forge.Pushed repo = Forge.newRepositoryWithACommit("inputs");
        trigger(repo, workflow, Map.of("level", "loud"))
                .statusCode(422)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("inputs.level"));
        trigger(repo, workflow, Map.of("colour", "red"))
                .statusCode(422)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("inputs.colour"));
    }

    @Test
    void aScheduleOfTheDefaultBranchRunsOnItsOwn() {
        String rid = Forge.newRepositoryId();
        BareRepo repo = Forge.repository(rid);
        String commit = repo.commit(Map.of(".github/workflows/cron.yml", """
                on:
                  schedule:
                    - cron: '* * * * *'
                jobs:
                  tick:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "${{ github.event_name }} ${{ github.event.schedule }}"
                """), "every minute");
        Forge.webhook("push", push(rid, commit, "main", null, List.of(".github/workflows/cron.yml")), 200);

        JsonNode scheduled = await("a scheduled run")
                .atMost(Duration.ofSeconds(100))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(
                        () -> Forge.readJson(given().baseUri(forge.scheduler.baseUrl())
                                        .auth()
                                        .oauth2(ForgeStack.TOKEN)
                                        .queryParam("repository", rid)
                                        .when()
                                        .get("/api/runs")
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .asString())
                                .path("runs"),
                        runs -> runs.size() > 0);
        String runId = scheduled.get(0).path("runId").asText();
        assertThat(scheduled.get(0).path("trigger").path("kind").asText()).isEqualTo("schedule");
        assertThat(new Run(runId).lines("tick")).containsExactly("schedule * * * * *");
        // the default branch drops it: no more ticks
        String without = repo.commit(
                Map.of(
                        ".github/workflows/cron.yml",
                        "on: workflow_dispatch\njobs:\n  tick: {runs-on: linux, steps: [{run: x}]}\n"),
                "no schedule");
        Forge.webhook("push", push(rid, without, "main", null, List.of(".github/workflows/cron.yml")), 200);
    }

    @Test
    void unknownContextsAndRunnersNoOneOffersAreRefusedWithTheirPlace() {
        Forge.Pushed repo = Forge.newRepositoryWithACommit("refused");
        trigger(
                        repo,
                        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ githb.sha }}\n",
                        Map.of())
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors.line", org.hamcrest.Matchers.contains(6))
                .body("errors[0].column", org.hamcrest.Matchers.equalTo(23))
                .body("errors[0].message", org.hamcrest.Matchers.startsWith("unknown context `githb`"));
        // runs-on is checked once the workflow compiles: the labels are a fact of this installation, not of the file
        trigger(repo, "on: push\njobs:\n  a:\n    runs-on: windows-latest\n    steps: [{run: dir}]\n", Map.of())
                .statusCode(422)
                .body("errors[0].line", org.hamcrest.Matchers.equalTo(4))
                .body(
                        "errors[0].message",
                        org.hamcrest.Matchers.containsString(
                                "needs a runner labelled `windows-latest`, which no runner here offers"));
    }

    @Test
    void checkoutsInputsAJavaScriptActionOnTheRealActionsCoreAndALocalActionBehaveAsOnGitHub() throws Exception {
        mirrorCoreProbe();
        String rid = Forge.newRepositoryId();
        BareRepo repo = Forge.repository(rid);
        repo.commit(Map.of("README.md", "first\n"), "first");
        String commit = repo.commit(
                Map.of(
                        "README.md",
                        "the app\n",
                        ".github/actions/local-greet/action.yml",
                        "name: Local greet\ninputs:\n  name: {required: true}\noutputs:\n  said: {}\n"
                                + "runs:\n  using: node20\n  main: greet.js\n",
                        ".github/actions/local-greet/greet.js",
                        "const fs = require('fs');\n"
                                + "console.log(`a local action greets ${process.env['INPUT_NAME']}`);\n"
                                + "fs.appendFileSync(process.env.GITHUB_OUTPUT, `said=hi ${process.env['INPUT_NAME']}\\n`);\n"),
                "the app");

        Run run = new Run(trigger(new Forge.Pushed(rid, commit), """
                on: workflow_dispatch
                jobs:
                  probe:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: actions/checkout@v4
                        with:
                          fetch-depth: 0
                      - run: echo "history=$(git rev-list --count HEAD)"
                      - uses: actions/checkout@v4
                        with:
                          path: copy
                          ref: ${{ github.sha }}
                      - run: echo "the copy says $(cat copy/README.md)"
                      - id: probe
                        uses: forge-test/core-probe@v1
                        with:
                          who-to-greet: Mona
                          secret: s3cr3t-probe-value
                      - run: |
                          echo "output=${{ steps.probe.outputs.greeting }}"
                          echo "exported=$PROBE_EXPORTED"
                          case ":$PATH:" in *:/opt/probe/bin:*) echo "the path has the probe's directory";; esac
                      - id: local
                        uses: ./.github/actions/local-greet
                        with:
                          name: Octocat
                      - run: echo "the local action said ${{ steps.local.outputs.said }}"
                """, Map.of())
                .statusCode(202)
                .extract()
                .path("runs[0].runId"));

        assertThat(run.status()).as(run.transcript()).isEqualTo("success");
        List<String> lines = run.lines("probe");
        assertThat(lines)
                .as(run.transcript())
                .containsSubsequence(
                        "pre runs first, for Mona",
                        "history=2",
                        "the copy says the app",
                        "Hello Mona x2",
                        "the secret is ***",
                        "inside the group",
                        "output=hello Mona",
                        "exported=exported by the probe",
                        "the path has the probe's directory",
                        "a local action greets Octocat",
                        "the local action said hi Octocat",
                        "post sees state: saved by main");
        assertThat(lines)
                .anyMatch(line -> line.contains("▸ probe group"))
                .noneMatch(line -> line.contains("s3cr3t-probe-value"));
        assertThat(run.transcript()).contains("Download action repository 'forge-test/core-probe@v1' (SHA:");
        JsonNode steps = Forge.job(run.detail, "probe").path("steps");
        assertThat(steps.valueStream().map(step -> step.path("name").asText()))
                .startsWith("Pre forge-test/core-probe@v1")
                .endsWith("Post forge-test/core-probe@v1");
        assertThat(steps.get(0).path("index").asInt()).isEqualTo(-2);
        assertThat(steps.get(5).path("summary").asText())
                .contains("Probe summary")
                .contains("greeted Mona");
        assertThat(steps.get(5).path("action").path("uses").asText()).isEqualTo("forge-test/core-probe@v1");
        assertThat(steps.get(5).path("action").path("sha").asText()).matches("[0-9a-f]{40}");
        assertThat(run.transcript())
                .contains("(SHA:" + steps.get(5).path("action").path("sha").asText() + ")");
    }

    @Test
    void aCompositeActionWithANestedActionRunsAsOneStepAndMapsItsOutputs() throws Exception {
        mirrorCoreProbe();
        BareRepo composite = BareRepo.create(forge.actionsMirror.resolve("forge-test"), "composite");
        composite.commit(
                Map.of("banner.txt", "a banner from the action's own files\n", "action.yml", """
                name: Composite probe
                inputs:
                  who: {default: composite}
                outputs:
                  greeting: {value: "${{ steps.inner.outputs.greeting }}"}
                  shouted: {value: "${{ steps.shout.outputs.shouted }}"}
                runs:
                  using: composite
                  steps:
                    - run: |
                        echo "composite for ${{ inputs.who }}, in $GITHUB_ACTION_PATH"
                        cat "${{ github.action_path }}/banner.txt"
                      shell: bash
                    - id: inner
                      uses: forge-test/core-probe@v1
                      with: {who-to-greet: "${{ inputs.who }}"}
                    - id: shout
                      run: echo "shouted=$(echo '${{ steps.inner.outputs.greeting }}' | tr a-z A-Z)" >> "$GITHUB_OUTPUT"
                      shell: sh
                """), "composite probe");
        composite.tag("v2");

        Run run = dispatch("""
                on: workflow_dispatch
                jobs:
                  composite:
                    runs-on: ubuntu-latest
                    steps:
                      - id: comp
                        uses: forge-test/composite@v2
                        with: {who: Hubot}
                      - run: echo "${{ steps.comp.outputs.greeting }} / ${{ steps.comp.outputs.shouted }}"
                """, Map.of());

        assertThat(run.status()).as(run.transcript()).isEqualTo("success");
        assertThat(run.lines("composite"))
                .containsSubsequence(
                        "a banner from the action's own files",
                        "Hello Hubot x2",
                        "hello Hubot / HELLO HUBOT",
                        "post sees state: saved by main");
        assertThat(run.lines("composite").get(0))
                .matches("composite for Hubot, in /forge/actions/forge-test/composite/[0-9a-f]{40}");
        JsonNode steps = Forge.job(run.detail, "composite").path("steps");
        assertThat(steps.valueStream().map(step -> step.path("name").asText()))
                .containsExactly(
                        "forge-test/composite@v2",
                        "echo \"hello Hubot / HELLO HUBOT\"",
                        "Post forge-test/composite@v2");
    }

    @Test
    void aDockerActionBuiltFromItsDockerfileAndADockerImageStepRunWithTheWorkspaceMounted() {
        String registry = dev.forgeci.testkit.TestInfra.registry();
        BareRepo action = BareRepo.create(forge.actionsMirror.resolve("forge-test"), "docker-probe");
        action.commit(
                Map.of(
                        "Dockerfile",
                        "FROM " + registry
                                + "/forge/busybox:1\nCOPY entrypoint.sh pre.sh post.sh /\nENTRYPOINT [\"sh\", \"/entrypoint.sh\"]\n",
                        "entrypoint.sh",
                        """
                        echo "the docker action greets $1 in $(pwd), INPUT_WHO=$INPUT_WHO, FROM_ACTION=$FROM_ACTION"
                        echo "it sees: $(cat README.md)"
                        echo "greeting=hello from a container" >> "$GITHUB_OUTPUT"
                        echo "CONTAINER_SET=by the docker action" >> "$GITHUB_ENV"
                        """,
                        "pre.sh",
                        "#!/bin/sh\necho \"the docker action's pre-entrypoint ran for $INPUT_WHO\"\n",
                        "post.sh",
                        "#!/bin/sh\necho \"the docker action's post-entrypoint ran\"\n",
                        "action.yml",
                        """
                        name: Docker probe
                        inputs:
                          who: {default: nobody}
                        outputs:
                          greeting: {}
                        runs:
                          using: docker
                          image: Dockerfile
                          args: ["${{ inputs.who }}"]
                          env: {FROM_ACTION: "set for ${{ inputs.who }}"}
                          pre-entrypoint: /pre.sh
                          post-entrypoint: /post.sh
                        """),
                "docker probe");
        action.makeExecutable("pre.sh");
        action.makeExecutable("post.sh");
        action.commit(Map.of(), "post.sh is run as the entrypoint");
        action.tag("v1");

        Run run = dispatch("""
                on: workflow_dispatch
                jobs:
                  docker:
                    runs-on: ubuntu-latest
                    steps:
                      - id: probe
                        uses: forge-test/docker-probe@v1
                        with: {who: Mona}
                      - run: echo "output=${{ steps.probe.outputs.greeting }}, env=$CONTAINER_SET"
                      - uses: docker://%s/forge/busybox:1
                        with:
                          entrypoint: /bin/sh
                          args: -c "echo an image step in $(pwd) on $(uname -s)"
                      - uses: docker://%s/forge/no-such-image:1
                """.formatted(registry, registry), Map.of());

        assertThat(run.status()).as(run.transcript()).isEqualTo("failure");
        assertThat(run.lines("docker"))
                .as(run.transcript())
                .containsSubsequence(
                        "the docker action's pre-entrypoint ran for Mona",
                        "the docker action greets Mona in /github/workspace, INPUT_WHO=Mona, FROM_ACTION=set for Mona",
                        "it sees: github workflow",
                        "output=hello from a container, env=by the docker action",
                        "an image step in /github/workspace on Linux",
                        "the docker action's post-entrypoint ran");
        assertThat(run.transcript()).contains("no-such-image");
        JsonNode steps = Forge.job(run.detail, "docker").path("steps");
        assertThat(steps.get(0).path("name").asText()).isEqualTo("Pre forge-test/docker-probe@v1");
        assertThat(steps.get(4).path("status").asText()).isEqualTo("failure");
        assertThat(steps.get(5).path("name").asText()).isEqualTo("Post forge-test/docker-probe@v1");
    }

    @Test
    void aContainerJobsStepsRunInItsContainerAndServicesAreReachableByNameOrByTheirPorts() {
        String registry = dev.forgeci.testkit.TestInfra.registry();
        Run run = dispatch("""
                on: workflow_dispatch
                jobs:
                  in-container:
                    runs-on: ubuntu-latest
                    container:
                      image: %1$s/forge/busybox:1
                      env: {IN_CONTAINER: "yes, ${{ github.event_name }}"}
                    services:
                      web:
                        image: %1$s/forge/httpd:1
                        options: --health-cmd "wget -q -O /dev/null http://127.0.0.1/" --health-interval 1s --health-retries 30
                    steps:
                      - id: inside
                        run: |
                          echo "container env: $IN_CONTAINER; bash: $(command -v bash || echo none)"
                          echo "the service says: $(wget -q -O - http://web/)"
                          echo "the workspace has: $(cat README.md)"
                          echo "where=container" >> "$GITHUB_OUTPUT"
                      - run: |
                          echo "output from the container: ${{ steps.inside.outputs.where }}"
                  on-the-runner:
                    runs-on: ubuntu-latest
                    services:
                      web:
                        image: %1$s/forge/httpd:1
                        ports: ["8088:80"]
                    steps:
                      - run: |
                          echo "through the published port: $(curl -s --retry 20 --retry-delay 1 --retry-connrefused http://127.0.0.1:${{ job.services.web.ports['80'] }}/)"
                  broken:
                    runs-on: ubuntu-latest
                    services:
                      db:
                        image: %1$s/forge/no-such-image:1
                    steps:
                      - run: echo never
                """.formatted(registry), Map.of());

        assertThat(run.status()).as(run.transcript()).isEqualTo("failure");
        assertThat(run.lines("in-container"))
                .as(run.transcript())
                .containsExactly(
                        "container env: yes, workflow_dispatch; bash: none",
                        "the service says: hello from forge/httpd",
                        "the workspace has: github workflow",
                        "output from the container: container");
        assertThat(run.lines("on-the-runner")).containsExactly("through the published port: hello from forge/httpd");
        assertThat(Forge.job(run.detail, "in-container").path("status").asText())
                .isEqualTo("success");
        assertThat(Forge.job(run.detail, "broken").path("reason").asText())
                .isEqualTo("the job's containers did not start");
        assertThat(run.transcript())
                .contains("broken | forge: starting service db (" + registry + "/forge/no-such-image:1)")
                .contains("no-such-image");
        assertThat(run.lines("broken")).isEmpty();
    }

    @Test
    void aContainerJobsJavaScriptActionsRunInsideItsContainerUnderTheRunnersNode() throws Exception {
        mirrorCoreProbe();
        String rid = Forge.newRepositoryId();
        String commit = Forge.repository(rid)
                .commit(
                        Map.of(
                                "README.md",
                                "a local action\n",
                                ".github/actions/where/action.yml",
                                "runs: {using: node20, main: index.js}\n",
                                ".github/actions/where/index.js",
                                "const fs = require('fs');\n"
                                        + "console.log(`sees /www: ${fs.existsSync('/www')}, workspace: ${fs.readFileSync('README.md', 'utf8').trim()}`);\n"),
                        "a local action");
        String workflow = """
                on: workflow_dispatch
                jobs:
                  probe:
                    runs-on: ubuntu-latest
                    container: %s/forge/busybox:1
                    steps:
                      - uses: ./.github/actions/where
                      - id: probe
                        uses: forge-test/core-probe@v1
                        with: {who-to-greet: Container}
                      - run: echo "greeting ${{ steps.probe.outputs.greeting }}, $PROBE_EXPORTED, www $(ls -d /www)"
                """.formatted(dev.forgeci.testkit.TestInfra.registry());
        Run run = new Run(trigger(new Forge.Pushed(rid, commit), workflow, Map.of())
                .statusCode(202)
                .extract()
                .path("runs[0].runId"));

        assertThat(run.status()).as(run.transcript()).isEqualTo("success");
        assertThat(run.lines("probe"))
                .as(run.transcript())
                .containsSubsequence(
                        "sees /www: true, workspace: a local action",
                        "Hello Container x2",
                        "greeting hello Container, exported by the probe, www /www",
                        "post sees state: saved by main");
    }

    @Test
    void anActionThatFailsOrCannotBeFetchedFailsTheJobWithItsReason() throws Exception {
        mirrorCoreProbe();
        Run failing = dispatch("""
                on: workflow_dispatch
                jobs:
                  probe:
                    runs-on: ubuntu-latest
                    steps:
                      - uses: forge-test/core-probe@v1
                        with: {who-to-greet: Mona, fail: true}
                      - if: failure()
                        run: echo "after the failure"
                """, Map.of());
        assertThat(failing.status()).isEqualTo("failure");
        assertThat(failing.transcript()).contains("the probe was asked to fail");
        assertThat(failing.lines("probe"))
                .containsSubsequence("Hello Mona x2", "after the failure", "post sees state: saved by main");

        Run missing = dispatch("""
                on: workflow_dispatch
                jobs:
                  missing:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "never runs"
                      - uses: nobody/missing@v1
                """, Map.of());
        assertThat(missing.status()).isEqualTo("failure");
        assertThat(missing.transcript())
                .contains("action nobody/missing@v1 could not be fetched: tried the mirror " + forge.actionsMirror
                        + " (no nobody/missing.git), https://github.com/nobody/missing (");
        assertThat(Forge.job(missing.detail, "missing").path("reason").asText())
                .isEqualTo("an action could not be set up");
        assertThat(missing.lines("missing")).isEmpty();
    }

    @Test
    void reusableWorkflowsOfTheSameCommitAndOfTheMirrorRunWithTheirInputsAndGiveTheCallerTheirOutputs() {
        mirrorSharedWorkflows();
        String rid = Forge.newRepositoryId();
        String commit = Forge.repository(rid).commit(Map.of(".github/workflows/build.yml", """
                on:
                  workflow_call:
                    secrets:
                      token: {description: 'not passed by the caller, so empty'}
                    inputs:
                      loud: {type: boolean, default: false}
                      greeting: {description: who to greet, type: string, required: true}
                    outputs:
                      said: {description: what shout said, value: '${{ jobs.shout.outputs.said }}'}
                jobs:
                  hello:
                    steps:
                      - run: |
                          echo "hello ${{ inputs.greeting }} loud=${{ inputs.loud }} job=$GITHUB_JOB token=[${{ secrets.token }}]"
                          echo "word=${{ inputs.greeting }}" >> "$GITHUB_OUTPUT"
                        id: w
                    outputs: {word: '${{ steps.w.outputs.word }}'}
                    runs-on: ubuntu-latest
                  shout:
                    needs: hello
                    if: inputs.loud
                    runs-on: ubuntu-latest
                    outputs: {said: '${{ steps.s.outputs.said }}'}
                    steps:
                      - id: s
                        run: echo "said=${{ needs.hello.outputs.word }}!" >> "$GITHUB_OUTPUT"
                  quiet:
                    if: ${{ !inputs.loud }}
                    runs-on: ubuntu-latest
                    steps: [{run: echo quiet}]
                """), "a reusable workflow");
        String caller = """
                on: workflow_dispatch
                jobs:
                  setup:
                    runs-on: ubuntu-latest
                    outputs: {word: '${{ steps.w.outputs.word }}'}
                    steps:
                      - id: w
                        run: echo "word=moon" >> "$GITHUB_OUTPUT"
                  local:
                    uses: ./.github/workflows/build.yml
                    needs: [setup]
                    with: {loud: true, greeting: '${{ needs.setup.outputs.word }}'}
                    name: Local
                  shared:
                    uses: forge-test/shared-workflows/.github/workflows/greet.yml@v1
                    with: {who: Mona}
                  after:
                    needs: [local, shared]
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "local said ${{ needs.local.outputs.said }} (${{ needs.local.result }}), shared said ${{ needs.shared.outputs.greeting }}"
                """;
        Run run = new Run(trigger(new Forge.Pushed(rid, commit), caller, Map.of())
                .statusCode(202)
                .extract()
                .path("runs[0].runId"));

        assertThat(run.status()).as(run.transcript()).isEqualTo("success");
        assertThat(run.lines("local.hello")).containsExactly("hello moon loud=true job=hello token=[]");
        assertThat(run.lines("shared.greet")).isEmpty();
        assertThat(run.lines("after")).containsExactly("local said moon! (success), shared said hi Mona");
        assertThat(Forge.job(run.detail, "local.quiet").path("status").asText()).isEqualTo("skipped");
        assertThat(Forge.job(run.detail, "local").path("outputs").toString()).isEqualTo("{\"said\":\"moon!\"}");
        assertThat(run.detail
                        .path("jobs")
                        .valueStream()
                        .map(job -> job.path("name").asText()))
                .containsExactly(
                        "setup",
                        "Local / hello",
                        "Local / shout",
                        "Local / quiet",
                        "Local",
                        "shared / greet",
                        "shared",
                        "after");

        trigger(
                        new Forge.Pushed(rid, commit),
                        "on: workflow_dispatch\njobs:\n  call:\n"
                                + "    uses: forge-test/shared-workflows/.github/workflows/greet.yml@v9\n",
                        Map.of())
                .statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].line", org.hamcrest.Matchers.equalTo(4))
                .body(
                        "errors[0].message",
                        org.hamcrest.Matchers.startsWith(
                                "job `call` calls "
                                        + "forge-test/shared-workflows/.github/workflows/greet.yml@v9, which cannot be read: tried the mirror ("));
    }

    /**
     * The probe action in the stack's mirror as forge-test/core-probe@v1: its sources with the real
     * @actions/core from the npm registry, installed here as an action's author would before tagging.
     */
    private static synchronized void mirrorCoreProbe() throws Exception {
        if (Files.isDirectory(forge.actionsMirror.resolve("forge-test/core-probe.git"))) {
            return;
        }
        Path sources = Path.of(GitHubWorkflowsProcessTest.class
                        .getResource("/actions/core-probe/action.yml")
                        .toURI())
                .getParent();
        Path build = Files.createTempDirectory("forge-core-probe");
        try (var files = Files.list(sources)) {
            for (Path file : files.toList()) {
                Files.copy(file, build.resolve(file.getFileName()));
            }
        }
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--omit=dev")
                .directory(build.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(npm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(npm.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(npm.exitValue()).as(output).isZero();
        assertThat(build.resolve("node_modules/@actions/core/lib/core.js")).exists();
        BareRepo probe = BareRepo.create(forge.actionsMirror.resolve("forge-test"), "core-probe");
        probe.commitTree(build, "core probe on @actions/core 1.11.1");
        probe.tag("v1");
    }

    /** A reusable workflow in the stack's mirror as forge-test/shared-workflows/.github/workflows/greet.yml@v1. */
    private static synchronized void mirrorSharedWorkflows() {
        if (Files.isDirectory(forge.actionsMirror.resolve("forge-test/shared-workflows.git"))) {
            return;
        }
        BareRepo shared = BareRepo.create(forge.actionsMirror.resolve("forge-test"), "shared-workflows");
        shared.commit(Map.of(".github/workflows/greet.yml", """
                on:
                  workflow_call:
                    inputs:
                      who: {type: string, required: true}
                    outputs:
                      greeting: {value: '${{ jobs.greet.outputs.greeting }}'}
                jobs:
                  greet:
                    runs-on: ubuntu-latest
                    outputs: {greeting: '${{ steps.g.outputs.greeting }}'}
                    steps:
                      - id: g
                        run: echo "greeting=hi ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
                """), "a shared workflow");
        shared.tag("v1");
    }

    // ----------------------------------------------------------------------------------------------

    /** A finished run: its detail from the runs API and its log from the WebSocket. */
    private static final class Run {
        final String runId;
        final JsonNode detail;
        final LogFollower viewer;

        Run(String runId) {
            this.runId = runId;
            this.viewer = Forge.follow(runId);
            viewer.awaitEnd(RUN_TIMEOUT);
            this.detail = Forge.run(runId);
            viewer.close();
        }

        String status() {
            return detail.path("status").asText();
        }

        /** Every line of the run, the controller's included: what a failed assertion shows. */
        String transcript() {
            return String.join(
                    "\n",
                    viewer.framesOfType("line").stream()
                            .map(f -> f.path("jobId").asText() + " | "
                                    + f.path("text").asText())
                            .toList());
        }

        /** The job's step output, stdout and stderr, in order (the controller's own lines left out). */
        List<String> lines(String jobId) {
            return viewer.framesOfType("line").stream()
                    .filter(f -> f.path("jobId").asText().equals(jobId))
                    .filter(f -> !f.path("stream").asText().equals("system")
                            && !f.path("step").isNull())
                    .map(f -> f.path("text").asText())
                    .toList();
        }
    }

    private static Run dispatch(String workflow, Map<String, Object> inputs) {
        Forge.Pushed repo = Forge.newRepositoryWithACommit("github workflow");
        String runId = trigger(repo, workflow, inputs)
                .log()
                .ifValidationFails()
                .statusCode(202)
                .extract()
                .path("runs[0].runId");
        return new Run(runId);
    }

    private static ValidatableResponse trigger(Forge.Pushed repo, String workflow, Map<String, Object> inputs) {
        Map<String, Object> body = new HashMap<>(Map.of(
                "repository",
                repo.rid(),
                "commit",
                repo.commit(),
                "ref",
                "refs/heads/main",
                "workflow",
                workflow,
                "workflowFile",
                ".github/workflows/ci.yml"));
        if (!inputs.isEmpty()) {
            body.put("inputs", inputs);
        }
        return Forge.postTrigger(body);
    }

    private static Run first(JsonNode answer) {
        return new Run(answer.path("runs").get(0).path("runId").asText());
    }

    /** A push webhook of the fixture's shape: to a branch or a full ref, with one commit that changed these files. */
    private static ObjectNode push(String rid, String commit, String branch, String ref, List<String> changed) {
        ObjectNode push = Forge.fixture("webhook-push.json");
        Forge.pointAtStack(push, rid, commit);
        push.remove("commit_status_url");
        ((ObjectNode) push.path("repository")).put("default_branch", "main");
        if (branch != null) {
            push.put("branch", branch);
        } else {
            push.remove("branch");
            push.put("ref", ref);
        }
        ObjectNode first = (ObjectNode) push.path("commits").get(0);
        first.put("message", "docs: say hello");
        ArrayNode modified = first.putArray("modified");
        changed.forEach(modified::add);
        return push;
    }

    /** Timestamps of the runs API. */
    private static final class Instant {
        static java.time.Instant of(JsonNode text) {
            return java.time.Instant.parse(text.asText());
        }
    }
}
