package dev.forgeci.trigger.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Scope;
import dev.forgeci.trigger.Fixtures;

/** The compiler: Forge's format and GitHub's, every default, and every problem where it is written. */
class WorkflowCompilerTest {

    private static final String FILE = ".forge/workflows/ci.yaml";
    private static final String GITHUB_FILE = ".github/workflows/ci.yml";
    private static final Set<String> LABELS = Set.of("ubuntu-latest", "ubuntu-22.04", "linux", "self-hosted", "x64");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkflowCompiler compiler = new WorkflowCompiler();

    @Test
    void theSeedFormatBecomesOneBuildJobWithEveryDefault() throws Exception {
        CompiledWorkflow workflow = compiler.compile(FILE, Fixtures.SEED_WORKFLOW);

        assertThat(workflow.name()).isEqualTo("Build and Test");
        assertThat(workflow.file()).isEqualTo(FILE);
        assertThat(workflow.on()).isEqualTo(Triggers.DEFAULT);
        RunPlan.Planned plan = plan(workflow, Map.of());
        assertThat(plan.concurrency()).isNull();
        assertThat(plan.jobs()).singleElement().isEqualTo(JSON.readTree("""
                {"id": "build", "needs": [], "if": "success()", "env": {}, "secrets": [], "outputs": {},
                 "steps": [
                   {"index": 0, "name": "Install Dependencies", "run": "npm install", "shell": "bash", "workingDirectory": "",
                    "env": {}, "continueOnError": false, "if": "success()"},
                   {"index": 1, "name": "Run Tests", "run": "npm test", "shell": "bash", "workingDirectory": "",
                    "env": {}, "continueOnError": false, "if": "success()"},
                   {"index": 2, "name": "Build Docker Image", "run": "docker build -t my-app .", "shell": "bash",
                    "workingDirectory": "", "env": {}, "continueOnError": false, "if": "success()"}],
                 "group": "build", "name": "build", "runsOn": [], "timeoutMinutes": 60, "continueOnError": false,
                 "matrix": null, "strategy": {"failFast": true, "maxParallel": 1, "jobIndex": 0, "jobTotal": 1}}
                """));
    }

    @Test
    void forgesGitHubShapedSubsetStillNormalizesAsBefore() {
        CompiledWorkflow workflow = compiler.compile(FILE, """
                name: CI
                on:
                  push:
                    branches: [main, 'release/**']
                  patch:
                  manual:
                env:
                  LEVEL: workflow
                  SHARED: from-workflow
                secrets: [NPM_TOKEN]
                concurrency:
                  group: ci-${{ forge.repository }}-${{forge.ref}}-${{ forge.workflow }}
                  cancel-in-progress: true
                defaults:
                  run:
                    shell: sh
                jobs:
                  build:
                    name: Build it
                    timeout-minutes: 30
                    env:
                      SHARED: from-job
                      PORT: 8080
                    steps:
                      - run: |
                          make
                          make check
                        env:
                          STEP: "1"
                      - name: Report
                        run: ./report.sh
                        if: ${{ always() }}
                        shell: python3 {0}
                        working-directory: tools
                        timeout-minutes: 5
                        continue-on-error: true
                  deploy:
                    needs: build
                    if: success()
                    continue-on-error: yes
                    secrets: [DEPLOY_KEY, NPM_TOKEN]
                    defaults:
                      run:
                        working-directory: deploy
                    steps:
                      - run: ./deploy.sh
                  notify:
                    needs: [build, deploy]
                    if: ${{failure()}}
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo failed
                        if: cancelled()
                """);

        assertThat(workflow.on().push().branches().patterns()).containsExactly("main", "release/**");
        assertThat(workflow.on().pullRequest()).isEqualTo(Triggers.PullRequestFilter.ANY);
        assertThat(workflow.on().dispatch()).isTrue();
        RunPlan.Planned plan = plan(
                workflow,
                Map.of(
                        "forge",
                        json("{\"repository\": \"rad:z3gq\", \"ref\": \"refs/heads/main\", "
                                + "\"workflow\": \"CI\"}")));
        assertThat(plan.concurrency()).isEqualTo(new Concurrency("ci-rad:z3gq-refs/heads/main-CI", true));

        JsonNode build = plan.jobs().get(0);
        assertThat(build.path("name").asText()).isEqualTo("Build it");
        assertThat(build.path("timeoutMinutes").asInt()).isEqualTo(30);
        assertThat(build.path("env").toString())
                .isEqualTo("{\"LEVEL\":\"workflow\",\"SHARED\":\"from-job\",\"PORT\":\"8080\"}");
        assertThat(build.path("secrets").toString()).isEqualTo("[\"NPM_TOKEN\"]");
        assertThat(build.path("steps").get(0).toString())
                .isEqualTo(
                        "{\"index\":0,\"name\":\"make\",\"run\":\"make\\nmake check\\n\","
                                + "\"shell\":\"sh\",\"workingDirectory\":\"\",\"env\":{\"STEP\":\"1\"},\"continueOnError\":false,\"if\":\"success()\"}");
        assertThat(build.path("steps").get(1).toString())
                .isEqualTo("{\"index\":1,\"name\":\"Report\",\"run\":\"./report.sh\","
                        + "\"shell\":\"python3 {0}\",\"workingDirectory\":\"tools\",\"env\":{},\"timeoutMinutes\":5,\"continueOnError\":true,"
                        + "\"if\":\"always()\"}");

        JsonNode deploy = plan.jobs().get(1);
        assertThat(deploy.path("needs").toString()).isEqualTo("[\"build\"]");
        assertThat(deploy.path("if").asText()).isEqualTo("success()");
        assertThat(deploy.path("continueOnError").asBoolean()).isTrue();
        assertThat(deploy.path("secrets").toString()).isEqualTo("[\"NPM_TOKEN\",\"DEPLOY_KEY\"]");
        assertThat(deploy.path("steps").get(0).path("workingDirectory").asText())
                .isEqualTo("deploy");

        JsonNode notify = plan.jobs().get(2);
        assertThat(notify.path("if").asText()).isEqualTo("failure()");
        assertThat(notify.path("runsOn").toString()).isEqualTo("[\"ubuntu-latest\"]");
        assertThat(notify.path("steps").get(0).path("if").asText()).isEqualTo("cancelled()");
        assertThat(RunPlan.plan(workflow, Scope.of(Map.of()), false, LABELS).jobs())
                .allSatisfy(job -> assertThat(job.path("secrets")).isEmpty());
    }

    @Test
    void aTypicalGitHubWorkflowCompilesWithGitHubsDefaults() {
        CompiledWorkflow workflow = compiler.compile(GITHUB_FILE, """
                name: CI
                run-name: CI of ${{ github.ref_name }} by @${{ github.actor }}
                on:
                  push:
                    branches: [main]
                    tags: ['v*']
                  pull_request:
                    branches: [main]
                  workflow_dispatch:
                    inputs:
                      debug:
                        type: boolean
                        default: false
                permissions:
                  contents: read
                env:
                  NODE_ENV: test
                jobs:
                  test:
                    runs-on: ${{ matrix.os }}
                    strategy:
                      fail-fast: false
                      matrix:
                        os: [ubuntu-latest, ubuntu-22.04]
                        node: [18, 20]
                        include:
                          - node: 20
                            coverage: true
                    steps:
                      - uses: actions/checkout@v4
                      - id: versions
                        run: echo "node=$(node --version)" >> "$GITHUB_OUTPUT"
                      - run: npm test -- --node ${{ matrix.node }}
                        if: ${{ steps.versions.outputs.node != '' && !inputs.debug }}
                      - if: matrix.coverage
                        run: npm run coverage
                    outputs:
                      node: ${{ steps.versions.outputs.node }}
                  report:
                    needs: test
                    runs-on: ubuntu-latest
                    if: always()
                    steps:
                      - run: echo "${{ needs.test.outputs.node }} ${{ needs.test.result }}"
                """);
        assertThat(compiler.check(
                                GITHUB_FILE,
                                "on: push\njobs:\n  a:\n    runs-on: linux\n    permissions: {}\n    steps: [{run: x}]\n")
                        .warnings())
                .extracting(WorkflowError::message)
                .containsExactly("`permissions` has no effect here: Forge gives jobs no GitHub token");

        RunPlan.Planned plan = plan(workflow, Map.of("github", json("{\"ref_name\": \"main\", \"actor\": \"alice\"}")));
        assertThat(plan.runName()).isEqualTo("CI of main by @alice");
        assertThat(plan.jobs())
                .extracting(job -> job.path("id").asText())
                .containsExactly("test.1", "test.2", "test.3", "test.4", "report");
        assertThat(plan.jobs())
                .extracting(job -> job.path("name").asText())
                .containsExactly(
                        "test (ubuntu-latest, 18)",
                        "test (ubuntu-latest, 20, true)",
                        "test (ubuntu-22.04, 18)",
                        "test (ubuntu-22.04, 20, true)",
                        "report");
        ObjectNode second = plan.jobs().get(1);
        assertThat(second.path("group").asText()).isEqualTo("test");
        assertThat(second.path("runsOn").toString()).isEqualTo("[\"ubuntu-latest\"]");
        assertThat(second.path("matrix").toString())
                .isEqualTo("{\"os\":\"ubuntu-latest\",\"node\":20.0,\"coverage\":true}");
        assertThat(second.path("strategy").toString())
                .isEqualTo("{\"failFast\":false,\"maxParallel\":4,\"jobIndex\":1,\"jobTotal\":4}");
        assertThat(second.path("timeoutMinutes").asInt()).isEqualTo(360);
        assertThat(second.path("steps").get(0).path("uses").asText()).isEqualTo("actions/checkout@v4");
        assertThat(second.path("steps").get(1).path("id").asText()).isEqualTo("versions");
        assertThat(second.path("steps").get(1).path("shell").asText()).isEqualTo("default");
        assertThat(second.path("steps").get(2).path("if").asText())
                .isEqualTo("success() && (steps.versions.outputs.node != '' && !inputs.debug)");
        assertThat(second.path("steps").get(3).path("if").asText()).isEqualTo("success() && (matrix.coverage)");
        assertThat(second.path("outputs").toString()).isEqualTo("{\"node\":\"${{ steps.versions.outputs.node }}\"}");
        assertThat(plan.jobs().get(4).path("needs").toString()).isEqualTo("[\"test\"]");
        assertThat(plan.jobs().get(4).path("if").asText()).isEqualTo("always()");
    }

    @Test
    void aJobWhoseMatrixComesFromAnotherJobsOutputsStaysATemplateForTheScheduler() {
        CompiledWorkflow workflow = compiler.compile(GITHUB_FILE, """
                on: push
                jobs:
                  setup:
                    runs-on: ubuntu-latest
                    outputs:
                      targets: ${{ steps.list.outputs.targets }}
                    steps:
                      - id: list
                        run: echo 'targets=["a","b"]' >> "$GITHUB_OUTPUT"
                  build:
                    needs: setup
                    runs-on: ubuntu-latest
                    strategy:
                      matrix:
                        target: ${{ fromJSON(needs.setup.outputs.targets) }}
                    steps:
                      - run: make ${{ matrix.target }}
                """);
        RunPlan.Planned plan = plan(workflow, Map.of());
        assertThat(plan.jobs()).extracting(job -> job.path("id").asText()).containsExactly("setup", "build");
        assertThat(plan.jobs().get(0).has("deferred")).isFalse();
        assertThat(plan.jobs().get(1).path("deferred").path("strategy").toString())
                .isEqualTo("{\"matrix\":{\"target\":\"${{ fromJSON(needs.setup.outputs.targets) }}\"}}");
    }

    @Test
    void onAcceptsANameOrAListAndANameDefaultsToTheFile() {
        CompiledWorkflow pushOnly =
                compiler.compile(".forge/workflows/lint.yml", "on: push\nsteps:\n  - run: make lint\n");
        assertThat(pushOnly.name()).isEqualTo("lint");
        assertThat(pushOnly.on().pullRequest()).isNull();
        assertThat(pushOnly.on().rejectsPatch("main", "opened", null))
                .contains("its `on` does not include pull_request (or patch)");

        CompiledWorkflow listed = compiler.compile(FILE, "on: [patch, manual]\nsteps:\n  - run: make\n");
        assertThat(listed.on().push()).isNull();
        assertThat(listed.on().dispatch()).isTrue();
        assertThat(listed.on().rejectsPush("main", null, null)).contains("its `on` does not include push");
    }

    @Test
    void anchorsAndAliasesAreAllowed() {
        CompiledWorkflow workflow = compiler.compile(FILE, """
                env: &common
                  CI: "true"
                jobs:
                  a:
                    env: *common
                    steps: &steps
                      - run: make
                  b:
                    env: *common
                    steps: *steps
                  c:
                    <<: &base
                      timeout-minutes: 7
                    steps: *steps
                """);
        List<ObjectNode> jobs = plan(workflow, Map.of()).jobs();
        assertThat(jobs).extracting(j -> j.path("id").asText()).containsExactly("a", "b", "c");
        assertThat(jobs.get(1).path("steps")).isEqualTo(jobs.get(0).path("steps"));
        assertThat(jobs.get(2).path("timeoutMinutes").asInt()).isEqualTo(7);
    }

    // ----------------------------------------------------------------------------------------------
    // Every problem: where it is, and a sentence a user understands

    @Test
    void anUnknownKeyIsReportedWithDidYouMean() {
        assertThat(errors("""
                name: x
                jobs:
                  build:
                    stpes:
                      - run: make
                """))
                .containsExactly(
                        new WorkflowError(FILE, 3, 3, "job `build` has no `steps`: add at least one step with `run`"),
                        new WorkflowError(FILE, 4, 5, "unknown key `stpes` in job `build` (did you mean `steps`?)"));
        assertThat(messages("job:\n  build:\n    steps: []\n"))
                .containsExactly(
                        "unknown key `job` at the top level of the workflow (did you mean `jobs`?)",
                        "the workflow has no `jobs` (or, in the single-job format, no `steps`): there is nothing to run");
        assertThat(messages("steps:\n  - run: x\n    timeout_minutes: 3\n"))
                .containsExactly(
                        "unknown key `timeout_minutes` in step 1 of job `build` (did you mean `timeout-minutes`?)");
        assertThat(messages("steps:\n  - run: x\n    colour: blue\n"))
                .containsExactly(
                        "unknown key `colour` in step 1 of job `build`; "
                                + "expected one of id, if, name, uses, run, working-directory, shell, with, env, continue-on-error, timeout-minutes");
    }

    @Test
    void gitHubsKeysAreKnownAndWhatForgeLacksIsExplained() {
        assertThat(compiler.check(FILE, "on: [workflow_dispatch]\nsteps:\n  - id: a\n    uses: actions/checkout@v4\n")
                        .errors())
                .isEmpty();
        assertThat(compiler.check(
                                FILE,
                                "on: [push]\nsteps:\n  - uses: actions/setup-node@v4\n    with: {node-version: 20}\n"
                                        + "  - uses: ./.github/actions/local\n  - uses: github/codeql-action/init@v3\n")
                        .errors())
                .isEmpty();
        assertThat(errors("on: [push]\nsteps:\n  - uses: acme/tool@v1;id\n    with: {a: b}\n"))
                .containsExactly(new WorkflowError(
                        FILE,
                        3,
                        11,
                        "`uses: acme/tool@v1;id`: `v1;id` is not a ref (a tag, a branch or a commit SHA)"));
        assertThat(messages("steps:\n  - uses: ./../../etc\n"))
                .containsExactly("`uses: ./../../etc`: the path must stay inside its directory (no '..')");
        assertThat(compiler.check(
                                FILE,
                                "steps:\n  - uses: actions/checkout@v4\n    with: {fetch-depth: 0, token: x, colour: blue}\n")
                        .warnings())
                .extracting(WorkflowError::message)
                .containsExactly(
                        "actions/checkout's `token` is ignored: Forge fetches from the repository's seed itself",
                        "Unexpected input 'colour', valid inputs are repository, ref, path, fetch-depth, fetch-tags, submodules, lfs, clean, token, "
                                + "ssh-key, ssh-known-hosts, ssh-strict, ssh-user, persist-credentials, show-progress, set-safe-directory, "
                                + "sparse-checkout, sparse-checkout-cone-mode, filter, github-server-url");
        assertThat(messages("on:\n  pushh:\nsteps:\n  - run: make\n"))
                .containsExactly("unknown event `pushh` in `on` (did you mean `push`?)");
        assertThat(messages("jobs:\n  call:\n    uses: org/repo/.github/workflows/x.yml@v1\n"))
                .containsExactly(
                        "job `call` calls "
                                + "org/repo/.github/workflows/x.yml@v1, which cannot be read: no called workflow can be read here");
        assertThat(compiler.check(
                                FILE,
                                "jobs:\n  a:\n    strategy: {matrix: {v: [16]}}\n    container: node:${{ matrix.v }}\n"
                                        + "    services:\n      db:\n        image: postgres:${{ matrix.v }}\n        env: {POSTGRES_PASSWORD: '${{ secrets.PW }}'}\n"
                                        + "        ports: ['5432:5432']\n        options: --health-cmd pg_isready\n    steps: [{run: x}]\n")
                        .errors())
                .isEmpty();
        assertThat(messages(
                        "jobs:\n  a:\n    services: {'my db': {image: postgres}, cache: {env: {A: b}}}\n    container: {imag: x}\n"
                                + "    steps: [{run: x}]\n"))
                .containsExactlyInAnyOrder(
                        "unknown key `imag` in `container` of job `a` (did you mean `image`?)",
                        "`container` of job `a` has no `image`",
                        "`my db` in `services` of job `a` is not a service name (letters, digits, '-' and '_'): it becomes the service's host name",
                        "service `cache` of job `a` has no `image`");
        assertThat(compiler.check(
                                GITHUB_FILE,
                                "on:\n  issues:\n  push:\njobs:\n  a:\n    runs-on: linux\n    environment: prod\n"
                                        + "    steps: [{run: x}]\n")
                        .warnings())
                .extracting(WorkflowError::message)
                .containsExactly(
                        "nothing on Radicle sends `issues` events, so this workflow never runs on them",
                        "only the name of `environment` is kept: Forge has no deployment environments (protection rules, environment secrets)");
    }

    @Test
    void aValueOfTheWrongTypeIsReported() {
        assertThat(errors("""
                jobs:
                  build:
                    timeout-minutes: soon
                    continue-on-error: maybe
                    env: [A, B]
                    steps:
                      - run: [make]
                        timeout-minutes: 0
                """))
                .containsExactly(
                        new WorkflowError(
                                FILE,
                                3,
                                22,
                                "`timeout-minutes` of job `build` must be a number of minutes from 1 to 4320, not `soon`"),
                        new WorkflowError(
                                FILE,
                                4,
                                24,
                                "`continue-on-error` of job `build` must be true or false (or an expression), not `maybe`"),
                        new WorkflowError(
                                FILE,
                                5,
                                10,
                                "`env` of job `build` must be a mapping of variable names to values, not a list"),
                        new WorkflowError(FILE, 7, 14, "`run` of step 1 of job `build` must be text, not a list"),
                        new WorkflowError(
                                FILE,
                                8,
                                26,
                                "`timeout-minutes` of step 1 of job `build` must be a number of minutes from 1 to 4320, not `0`"));
        assertThat(messages("- run: make\n"))
                .containsExactly("a workflow file must be a mapping with `name` and `jobs` (or `steps`), not a list");
    }

    @Test
    void aStepWithoutRunAndEmptyStepsAreReported() {
        assertThat(errors("""
                jobs:
                  build:
                    steps:
                      - name: Install
                      - run: ""
                  test:
                    steps: []
                  lint:
                    steps:
                """))
                .containsExactly(
                        new WorkflowError(
                                FILE,
                                4,
                                9,
                                "step 1 of job `build` has no `run`: every step needs a command to execute (or `uses` an action)"),
                        new WorkflowError(FILE, 5, 14, "`run` of step 2 of job `build` is empty"),
                        new WorkflowError(FILE, 7, 5, "job `test` has no steps: add at least one step with `run`"),
                        new WorkflowError(FILE, 9, 11, "`steps` of job `lint` must be a list of steps, not empty"));
    }

    @Test
    void duplicateJobIdsKeysAndStepIdsAreReportedWithTheFirstPlace() {
        assertThat(errors("""
                jobs:
                  build:
                    steps:
                      - run: make
                        run: twice
                  build:
                    steps:
                      - run: make again
                """))
                .containsExactly(
                        new WorkflowError(
                                FILE, 5, 9, "key `run` appears twice in step 1 of job `build` (first at line 4)"),
                        new WorkflowError(FILE, 6, 3, "job id `build` appears twice in `jobs` (first at line 2)"));
        assertThat(messages("steps:\n  - {id: a, run: x}\n  - {id: a, run: y}\n"))
                .containsExactly("step id `a` is used twice in job `build`");
    }

    @Test
    void unknownNeedsAndCyclesAreRejected() {
        assertThat(errors("""
                jobs:
                  build:
                    steps: [{run: make}]
                  deploy:
                    needs: [biuld]
                    steps: [{run: make}]
                """))
                .containsExactly(new WorkflowError(
                        FILE,
                        5,
                        13,
                        "job `deploy` needs `biuld`, which is not a job of this workflow (did you mean `build`?)"));
        assertThat(errors("""
                jobs:
                  a:
                    needs: c
                    steps: [{run: make}]
                  b:
                    needs: a
                    steps: [{run: make}]
                  c:
                    needs: [b]
                    steps: [{run: make}]
                  d:
                    needs: d
                    steps: [{run: make}]
                """))
                .containsExactly(
                        new WorkflowError(
                                FILE,
                                6,
                                12,
                                "jobs form a cycle through `needs`: `a` → `c` → `b` → `a`; no job of it could ever start"),
                        new WorkflowError(FILE, 12, 12, "job `d` needs itself"));
    }

    @Test
    void limitsOnJobsStepsAndSizeAreEnforced() {
        StringBuilder jobs = new StringBuilder("jobs:\n");
        for (int i = 0; i <= WorkflowCompiler.MAX_JOBS; i++) {
            jobs.append("  j").append(i).append(":\n    steps: [{run: make}]\n");
        }
        assertThat(errors(jobs.toString()))
                .containsExactly(new WorkflowError(FILE, 1, 1, "the workflow has 101 jobs; at most 100 are allowed"));

        StringBuilder steps = new StringBuilder("steps:\n");
        for (int i = 0; i <= WorkflowCompiler.MAX_STEPS_PER_JOB; i++) {
            steps.append("  - run: echo ").append(i).append('\n');
        }
        assertThat(errors(steps.toString()))
                .containsExactly(
                        new WorkflowError(FILE, 1, 1, "job `build` has 201 steps; at most 200 are allowed per job"));

        String huge = "steps:\n  - run: |\n" + "      echo 0123456789012345678901234567890123456789\n".repeat(6000);
        assertThat(errors(huge))
                .containsExactly(
                        new WorkflowError(FILE, 1, 1, "the file is 305 KiB; a workflow file may be at most 256 KiB"));
    }

    @Test
    void aBillionLaughsFileIsRejectedWithoutExpandingIt() {
        String laughs = """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
                steps:
                  - run: *i
                """;
        long started = System.nanoTime();
        List<WorkflowError> errors = errors(laughs);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(errors)
                .containsExactly(
                        new WorkflowError(
                                FILE,
                                7,
                                23,
                                "the file refers to lists or mappings through aliases "
                                        + "more than 50 times; it was rejected without expanding them (a \"billion laughs\" file would exhaust the server)"));
    }

    @Test
    void aliasesThatStayUnderTheAliasLimitStillCannotExpandWithoutBound() {
        StringBuilder env = new StringBuilder("x: &env\n");
        for (int i = 0; i < 1500; i++) {
            env.append("  V").append(i).append(": v\n");
        }
        env.append("jobs:\n");
        for (int j = 0; j < 40; j++) {
            env.append("  j").append(j).append(":\n    env: *env\n    steps: [{run: make}]\n");
        }
        assertThat(messages("name: x\n" + env.toString().replace("x: &env", "env: &env")))
                .singleElement()
                .asString()
                .startsWith("the workflow expands to more than 50000 YAML nodes (through anchors and aliases)");
    }

    @Test
    void aLargeScalarRepeatedThroughAliasesAsValuesOrDuplicateKeysIsRejectedBeforeItCostsItsExpandedSize() {
        String big = "x".repeat(100 * 1024);
        StringBuilder values = new StringBuilder("env:\n  A: &a \"" + big + "\"\nsteps:\n  - run: echo\n    env:\n");
        StringBuilder keys = new StringBuilder("env:\n  A: &a \"" + big + "\"\nsteps:\n  - run: echo\n    env:\n");
        for (int i = 0; i < 6_000; i++) {
            values.append("      K").append(i).append(": *a\n");
            keys.append("      ? *a\n      : ").append(i).append('\n');
        }
        long started = System.nanoTime();
        for (String attack : List.of(values.toString(), keys.toString())) {
            assertThat(attack.length()).isLessThan(WorkflowCompiler.MAX_FILE_BYTES);
            List<String> problems = compiler.check(FILE, attack).errors().stream()
                    .map(WorkflowError::message)
                    .toList();
            // a few duplicate keys may be said first; then the file is given up on, without reading the rest
            assertThat(problems)
                    .hasSizeLessThan(20)
                    .last()
                    .asString()
                    .startsWith("the workflow's text comes to more than 1024 KiB " + "through aliases of its scalars");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shellsSecretsAndVariableNamesAreChecked() {
        assertThat(errors("""
                secrets: [npm-token]
                steps:
                  - run: make
                    shell: pwsh
                    env:
                      1BAD: x
                  - run: make
                    shell: fish
                """))
                .containsExactly(
                        new WorkflowError(
                                FILE,
                                1,
                                11,
                                "secret name `npm-token` in the workflow must be upper case letters, digits and `_`, "
                                        + "not starting with a digit (for example NPM_TOKEN)"),
                        new WorkflowError(
                                FILE,
                                4,
                                12,
                                "`shell: pwsh` of step 1 of job `build` is not available: the runner image has bash, sh and "
                                        + "python (or give a command template with {0}, for example `python3 {0}`)"),
                        new WorkflowError(
                                FILE,
                                6,
                                7,
                                "`1BAD` in `env` of step 1 of job `build` is not a valid variable name "
                                        + "(letters, digits and `_`, not starting with a digit)"),
                        new WorkflowError(
                                FILE,
                                8,
                                12,
                                "`shell` of step 2 of job `build` must be bash, sh, python, or a command template containing "
                                        + "{0} (for example `python3 {0}`), not `fish`"));
    }

    @Test
    void expressionsAreCheckedWhereTheyAreWrittenWithLineAndColumn() {
        assertThat(compiler.check(GITHUB_FILE, """
                on: push
                jobs:
                  build:
                    runs-on: ubuntu-latest
                    if: steps.x.outputs.y == 'a'
                    strategy:
                      matrix:
                        node: [18, 20]
                    steps:
                      - id: first
                        run: echo ${{ matrix.nodes }} ${{ github.shaa }}
                      - run: |
                          echo one
                          echo ${{ steps.frist.outputs.v }} ${{ steps.first.output.v }}
                      - run: echo ${{ needs.build.result }} ${{ inputs.level }}
                        env:
                          A: ${{ success() }}
                          B: ${{ secrets.TOKEN }} ${{ nosuch.thing }}
                """).errors())
                .containsExactly(
                        new WorkflowError(
                                GITHUB_FILE,
                                5,
                                9,
                                "the `steps` context is not available in a job's `if` (there: forge, github, inputs, "
                                        + "needs, vars)"),
                        new WorkflowError(
                                GITHUB_FILE,
                                11,
                                23,
                                "`matrix.nodes`: the matrix of job `build` has no `nodes`; it has node"),
                        new WorkflowError(
                                GITHUB_FILE,
                                11,
                                43,
                                "`github.shaa` is not a property of the github context (did you mean `sha`?)"),
                        new WorkflowError(
                                GITHUB_FILE,
                                14,
                                20,
                                "`steps.frist`: no step before this one has the id `frist` (did you mean `first`?)"),
                        new WorkflowError(
                                GITHUB_FILE,
                                14,
                                49,
                                "`steps.first.output` is not a step's outputs, outcome or conclusion (did you mean "
                                        + "`outputs`?)"),
                        new WorkflowError(
                                GITHUB_FILE,
                                15,
                                23,
                                "`needs.build`: job `build` does not need `build` (list it in `needs` to read it)"),
                        new WorkflowError(
                                GITHUB_FILE,
                                15,
                                49,
                                "`inputs.level`: the workflow declares no inputs (`on.workflow_dispatch.inputs`)"),
                        new WorkflowError(GITHUB_FILE, 17, 18, "success() can only be used in `if`"),
                        new WorkflowError(
                                GITHUB_FILE,
                                18,
                                39,
                                "unknown context `nosuch`; the contexts are github, env, vars, secrets, matrix, "
                                        + "strategy, steps, needs, inputs, job, jobs, runner, forge (a function needs parentheses)"));
        assertThat(messages("steps:\n  - run: echo ${{ matrix.os\n"))
                .singleElement()
                .asString()
                .contains("not closed");
        assertThat(messages("env:\n  H: ${{ hashFiles('x') }}\nsteps: [{run: x}]\n"))
                .containsExactly("hashFiles() can only be used in steps, where the job's workspace is");
    }

    @Test
    void aRunnerLabelNoRunnerOffersIsRefusedWhereRunsOnIsWritten() {
        CompiledWorkflow workflow = compiler.compile(GITHUB_FILE, """
                on: push
                jobs:
                  build:
                    strategy:
                      matrix:
                        os: [ubuntu-latest, windows-latest]
                    runs-on: ${{ matrix.os }}
                    steps: [{run: make}]
                """);
        assertThatThrownBy(() -> plan(workflow, Map.of()))
                .isInstanceOfSatisfying(
                        WorkflowInvalidException.class,
                        e -> assertThat(e.errors())
                                .containsExactly(new WorkflowError(
                                        GITHUB_FILE,
                                        7,
                                        14,
                                        "job `build.2` needs a runner labelled "
                                                + "`windows-latest`, which no runner here offers (they offer linux, self-hosted, ubuntu-22.04, ubuntu-latest, x64); "
                                                + "Forge runs Linux jobs only")));
        assertThat(messages(GITHUB_FILE, "on: push\njobs:\n  a:\n    steps: [{run: make}]\n"))
                .containsExactly(
                        "job `a` has no `runs-on`: name the runner it needs, for example `runs-on: ubuntu-latest`");
        assertThat(messages(GITHUB_FILE, "jobs:\n  a:\n    runs-on: linux\n    steps: [{run: make}]\n"))
                .containsExactly(
                        "a workflow in .github/workflows needs `on`: the events that start it (for example `on: push`)");
    }

    @Test
    void filtersInputsAndSchedulesAreRead() {
        CompiledWorkflow workflow = compiler.compile(GITHUB_FILE, """
                on:
                  push:
                    branches: ['release/**', '!release/old']
                    paths: ['src/**', '!src/**/*.md']
                  pull_request:
                    types: [opened]
                    paths-ignore: ['docs/**']
                  workflow_dispatch:
                    inputs:
                      level:
                        type: choice
                        options: [info, debug]
                        default: info
                      dry-run:
                        type: boolean
                  schedule:
                    - cron: '30 5 * * 1-5'
                jobs:
                  a:
                    runs-on: linux
                    steps: [{run: "echo ${{ inputs.level }} ${{ inputs.dry-run }}"}]
                """);
        Triggers on = workflow.on();
        assertThat(on.rejectsPush("release/1.0", null, List.of("src/main.rs"))).isEmpty();
        assertThat(on.rejectsPush("release/1.0", null, List.of("src/notes/readme.md")))
                .hasValueSatisfying(r -> r.contains("paths"));
        assertThat(on.rejectsPush("release/old", null, List.of("src/main.rs"))).isPresent();
        assertThat(on.rejectsPush("release/1.0", "v1", null))
                .contains("it filters branches only, so it does not run for tag `v1`");
        assertThat(on.rejectsPatch("main", "synchronize", null)).isPresent();
        assertThat(on.rejectsPatch("main", "opened", List.of("docs/a.md", "docs/b.md")))
                .contains("every changed file matches its `paths-ignore` [docs/**]");
        assertThat(on.rejectsPatch("main", "opened", List.of("docs/a.md", "src/x.c")))
                .isEmpty();
        assertThat(on.inputs())
                .extracting(DispatchInput::name, DispatchInput::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("level", "choice"),
                        org.assertj.core.groups.Tuple.tuple("dry-run", "boolean"));
        assertThat(on.schedules()).extracting(Cron::expression).containsExactly("30 5 * * 1-5");

        assertThat(messages(GITHUB_FILE, """
                on:
                  push:
                    branches: [main]
                    branches-ignore: [dev]
                  schedule:
                    - cron: '61 * * * *'
                  workflow_dispatch:
                    inputs:
                      mode: {type: choice}
                jobs: {a: {runs-on: linux, steps: [{run: x}]}}
                """))
                .containsExactly(
                        "`on.push` cannot have both `branches` and `branches-ignore`: use `!` patterns in `branches` to exclude",
                        "`cron`: `61` is not a valid minute (0–59)",
                        "input `mode` is a choice without `options`");
    }

    @Test
    void syntaxErrorsAndEmptyFilesHaveALocation() {
        assertThat(errors("name: x\nsteps:\n  - run: make\n   oops: [\n"))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.line()).isEqualTo(4);
                    assertThat(error.message()).startsWith("YAML syntax error: ");
                });
        assertThat(errors("steps:\n\t- run: make\n")).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(2);
            assertThat(error.column()).isEqualTo(1);
            assertThat(error.message()).contains("indent with spaces, not tabs");
        });
        assertThat(errors("# nothing\n"))
                .containsExactly(new WorkflowError(
                        FILE,
                        1,
                        1,
                        "the file is empty: a workflow needs `jobs` (or, in the single-job format, `steps`)"));
        assertThat(messages("steps: [{run: a}]\njobs:\n  b:\n    steps: [{run: b}]\n"))
                .containsExactly("use either `jobs` or top-level `steps` (the single-job format), not both");
    }

    @Test
    void aJobIdMustBeAName() {
        assertThat(messages("jobs:\n  \"build it\":\n    steps: [{run: make}]\n"))
                .containsExactly(
                        "job id `build it` must start "
                                + "with a letter or `_` and contain only letters, digits, `-` and `_` (at most 100 characters)");
    }

    @Test
    void everyProblemIsThrownTogetherSortedByPlace() {
        WorkflowInvalidException invalid = catchThrowableOfType(
                WorkflowInvalidException.class,
                () -> compiler.compile(FILE, "steps:\n  - name: a\n  - run: b\n    shell: fish\n  - if: always\n"));
        assertThat(invalid.errors()).extracting(WorkflowError::line).containsExactly(2, 4, 5, 5);
        assertThat(invalid).hasMessageStartingWith("4 problem(s) in " + FILE);
    }

    @Test
    void patternFiltersUseGlobsAndNegation() {
        PatternFilter filter = new PatternFilter(
                List.of("main", "release/**", "feature/*", "!feature/wip", "v?", "v[0-9].x", "docs/**/*.md"));
        assertThat(filter.matches("main")).isTrue();
        assertThat(filter.matches("release/1.0/rc1")).isTrue();
        assertThat(filter.matches("feature/login")).isTrue();
        assertThat(filter.matches("feature/login/deep")).isFalse();
        assertThat(filter.matches("feature/wip")).isFalse();
        assertThat(filter.matches("v2")).isTrue();
        assertThat(filter.matches("v3.x")).isTrue();
        assertThat(filter.matches("docs/a.md")).isTrue();
        assertThat(filter.matches("docs/x/y/a.md")).isTrue();
        assertThat(filter.matches("mainline")).isFalse();
        assertThat(filter.matches("main; rm -rf /")).isFalse();
        assertThat(PatternFilter.ANY.matches("anything/at/all")).isTrue();
    }

    @Test
    void theDidYouMeanHeuristicStaysQuietForFarOffWords() {
        assertThat(YamlSource.suggestion("stpes", Set.of("steps", "name"))).contains("steps");
        assertThat(YamlSource.suggestion("timeout", Set.of("timeout-minutes"))).contains("timeout-minutes");
        assertThat(YamlSource.suggestion("xyz", Set.of("steps", "name"))).isEmpty();
        assertThat(YamlSource.suggestion("x".repeat(100_000), Set.of("steps"))).isEmpty();
    }

    // ----------------------------------------------------------------------------------------------

    private RunPlan.Planned plan(CompiledWorkflow workflow, Map<String, JsonNode> contexts) {
        return RunPlan.plan(workflow, Scope.of(contexts), true, LABELS);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<WorkflowError> errors(String yaml) {
        return catchThrowableOfType(WorkflowInvalidException.class, () -> compiler.compile(FILE, yaml))
                .errors();
    }

    private List<String> messages(String yaml) {
        return messages(FILE, yaml);
    }

    private List<String> messages(String file, String yaml) {
        assertThatThrownBy(() -> compiler.compile(file, yaml)).isInstanceOf(WorkflowInvalidException.class);
        return catchThrowableOfType(WorkflowInvalidException.class, () -> compiler.compile(file, yaml))
                .errors()
                .stream()
                .map(WorkflowError::message)
                .toList();
    }
}
