package dev.forgeci.trigger.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeci.trigger.Fixtures;

class WorkflowParserTest {

    private static final String FILE = ".forge/workflows/ci.yaml";

    private final WorkflowParser parser = new WorkflowParser();

    @Test
    void theSeedFormatBecomesOneBuildJobWithEveryDefault() {
        Workflow workflow = parser.parse(FILE, Fixtures.SEED_WORKFLOW);

        assertThat(workflow.name()).isEqualTo("Build and Test");
        assertThat(workflow.file()).isEqualTo(FILE);
        assertThat(workflow.on()).isEqualTo(Triggers.DEFAULT);
        assertThat(workflow.concurrencyFor("rad:z1", "refs/heads/main")).isNull();
        assertThat(workflow.jobs()).containsExactly(new Job("build", "build", List.of(), "success", 60, false, Map.of(), List.of(),
                List.of(new Step(0, "Install Dependencies", "npm install", "bash", "", Map.of(), 60, false, "success"),
                        new Step(1, "Run Tests", "npm test", "bash", "", Map.of(), 60, false, "success"),
                        new Step(2, "Build Docker Image", "docker build -t my-app .", "bash", "", Map.of(), 60, false, "success"))));
    }

    @Test
    void theGitHubActionsSubsetIsNormalized() {
        Workflow workflow = parser.parse(FILE, """
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

        assertThat(workflow.on().push().patterns()).containsExactly("main", "release/**");
        assertThat(workflow.on().patch()).isTrue();
        assertThat(workflow.on().manual()).isTrue();
        assertThat(workflow.concurrencyFor("rad:z3gq", "refs/heads/main"))
                .isEqualTo(new Concurrency("ci-rad:z3gq-refs/heads/main-CI", true));

        Job build = workflow.jobs().get(0);
        assertThat(build.id()).isEqualTo("build");
        assertThat(build.name()).isEqualTo("Build it");
        assertThat(build.timeoutMinutes()).isEqualTo(30);
        assertThat(build.env()).containsExactly(Map.entry("LEVEL", "workflow"), Map.entry("SHARED", "from-job"), Map.entry("PORT", "8080"));
        assertThat(build.secrets()).containsExactly("NPM_TOKEN");
        assertThat(build.steps().get(0)).isEqualTo(new Step(0, "make", "make\nmake check\n", "sh", "", Map.of("STEP", "1"), 30, false, "success"));
        assertThat(build.steps().get(1)).isEqualTo(new Step(1, "Report", "./report.sh", "python3 {0}", "tools", Map.of(), 5, true, "always"));

        Job deploy = workflow.jobs().get(1);
        assertThat(deploy.needs()).containsExactly("build");
        assertThat(deploy.condition()).isEqualTo("success");
        assertThat(deploy.continueOnError()).isTrue();
        assertThat(deploy.secrets()).containsExactly("NPM_TOKEN", "DEPLOY_KEY");
        assertThat(deploy.steps().get(0).workingDirectory()).isEqualTo("deploy");
        assertThat(deploy.steps().get(0).shell()).isEqualTo("sh");
        assertThat(deploy.steps().get(0).timeoutMinutes()).isEqualTo(60);

        Job notify = workflow.jobs().get(2);
        assertThat(notify.needs()).containsExactly("build", "deploy");
        assertThat(notify.condition()).isEqualTo("failure");
        assertThat(notify.steps().get(0).condition()).isEqualTo("cancelled");
        assertThat(workflow.jobsWithoutSecrets()).allSatisfy(job -> assertThat(job.secrets()).isEmpty());
    }

    @Test
    void onAcceptsANameOrAListAndANameDefaultsToTheFile() {
        Workflow pushOnly = parser.parse(".forge/workflows/lint.yml", "on: push\nsteps:\n  - run: make lint\n");
        assertThat(pushOnly.name()).isEqualTo("lint");
        assertThat(pushOnly.on()).isEqualTo(new Triggers(BranchFilter.ANY, false, false));
        assertThat(pushOnly.on().rejectsPatch()).contains("its `on` does not include patch");

        Workflow listed = parser.parse(FILE, "on: [patch, manual]\nsteps:\n  - run: make\n");
        assertThat(listed.on()).isEqualTo(new Triggers(null, true, true));
        assertThat(listed.on().rejectsPush("main")).contains("its `on` does not include push");
    }

    @Test
    void anchorsAndAliasesAreAllowed() {
        Workflow workflow = parser.parse(FILE, """
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
        assertThat(workflow.jobs()).extracting(Job::id).containsExactly("a", "b", "c");
        assertThat(workflow.jobs().get(1).steps()).isEqualTo(workflow.jobs().get(0).steps());
        assertThat(workflow.jobs().get(2).timeoutMinutes()).isEqualTo(7);
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
                """)).containsExactly(
                new WorkflowError(FILE, 3, 3, "job `build` has no `steps`: add at least one step with `run`"),
                new WorkflowError(FILE, 4, 5, "unknown key `stpes` in job `build` (did you mean `steps`?)"));
        assertThat(messages("job:\n  build:\n    steps: []\n"))
                .containsExactly("unknown key `job` at the top level of the workflow (did you mean `jobs`?)",
                        "the workflow has no `jobs` (or, in the single-job format, no `steps`): there is nothing to run");
        assertThat(messages("steps:\n  - run: x\n    timeout_minutes: 3\n"))
                .containsExactly("unknown key `timeout_minutes` in step 1 of job `build` (did you mean `timeout-minutes`?)");
        assertThat(messages("steps:\n  - run: x\n    colour: blue\n")).containsExactly("unknown key `colour` in step 1 of job `build`; "
                + "expected one of name, run, shell, working-directory, env, timeout-minutes, continue-on-error, if");
    }

    @Test
    void gitHubOnlyNamesAreExplained() {
        assertThat(errors("on: [workflow_dispatch]\nsteps:\n  - uses: actions/checkout@v4\n")).containsExactly(
                new WorkflowError(FILE, 1, 6, "`workflow_dispatch` is GitHub's name; here it is `manual`"),
                new WorkflowError(FILE, 3, 5, "`uses` (marketplace actions) is not supported: write the command to execute in `run`"));
        assertThat(messages("on:\n  pull_request:\nsteps:\n  - run: make\n"))
                .containsExactly("`pull_request` is GitHub's name; a Radicle patch is `patch`");
        assertThat(messages("on:\n  pushh:\nsteps:\n  - run: make\n"))
                .containsExactly("unknown event `pushh` in `on` (did you mean `push`?)");
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
                """)).containsExactly(
                new WorkflowError(FILE, 3, 22, "`timeout-minutes` of job `build` must be a whole number of minutes from 1 to 4320, not `soon`"),
                new WorkflowError(FILE, 4, 24, "`continue-on-error` of job `build` must be true or false, not `maybe`"),
                new WorkflowError(FILE, 5, 10, "`env` of job `build` must be a mapping of variable names to values, not a list"),
                new WorkflowError(FILE, 7, 14, "`run` of step 1 of job `build` must be text, not a list"),
                new WorkflowError(FILE, 8, 26, "`timeout-minutes` of step 1 of job `build` must be a whole number of minutes from 1 to 4320, not `0`"));
        assertThat(messages("- run: make\n")).containsExactly(
                "a workflow file must be a mapping with `name` and `jobs` (or `steps`), not a list");
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
                """)).containsExactly(
                new WorkflowError(FILE, 4, 9, "step 1 of job `build` has no `run`: every step needs a command to execute"),
                new WorkflowError(FILE, 5, 14, "`run` of step 2 of job `build` is empty"),
                new WorkflowError(FILE, 7, 5, "job `test` has no steps: add at least one step with `run`"),
                new WorkflowError(FILE, 9, 11, "`steps` of job `lint` must be a list of steps, not empty"));
    }

    @Test
    void duplicateJobIdsAndKeysAreReportedWithTheFirstPlace() {
        assertThat(errors("""
                jobs:
                  build:
                    steps:
                      - run: make
                        run: twice
                  build:
                    steps:
                      - run: make again
                """)).containsExactly(
                new WorkflowError(FILE, 5, 9, "key `run` appears twice in step 1 of job `build` (first at line 4)"),
                new WorkflowError(FILE, 6, 3, "job id `build` appears twice in `jobs` (first at line 2)"));
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
                """)).containsExactly(new WorkflowError(FILE, 5, 13,
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
                """)).containsExactly(
                new WorkflowError(FILE, 6, 12, "jobs form a cycle through `needs`: `a` → `c` → `b` → `a`; no job of it could ever start"),
                new WorkflowError(FILE, 12, 12, "job `d` needs itself"));
    }

    @Test
    void limitsOnJobsStepsAndSizeAreEnforced() {
        StringBuilder jobs = new StringBuilder("jobs:\n");
        for (int i = 0; i <= WorkflowParser.MAX_JOBS; i++) {
            jobs.append("  j").append(i).append(":\n    steps: [{run: make}]\n");
        }
        assertThat(errors(jobs.toString())).containsExactly(new WorkflowError(FILE, 1, 1, "the workflow has 101 jobs; at most 100 are allowed"));

        StringBuilder steps = new StringBuilder("steps:\n");
        for (int i = 0; i <= WorkflowParser.MAX_STEPS_PER_JOB; i++) {
            steps.append("  - run: echo ").append(i).append('\n');
        }
        assertThat(errors(steps.toString())).containsExactly(
                new WorkflowError(FILE, 1, 1, "job `build` has 201 steps; at most 200 are allowed per job"));

        String huge = "steps:\n  - run: |\n" + "      echo 0123456789012345678901234567890123456789\n".repeat(6000);
        assertThat(errors(huge)).containsExactly(new WorkflowError(FILE, 1, 1, "the file is 305 KiB; a workflow file may be at most 256 KiB"));
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
        assertThat(errors).containsExactly(new WorkflowError(FILE, 7, 23, "the file refers to lists or mappings through aliases "
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
        assertThat(messages("name: x\n" + env.toString().replace("x: &env", "env: &env"))).singleElement().asString()
                .startsWith("the workflow expands to more than 50000 YAML nodes (through anchors and aliases)");
    }

    @Test
    void conditionsShellsSecretsAndGroupsAreChecked() {
        assertThat(errors("""
                concurrency: ${{ github.ref }}
                secrets: [npm-token]
                steps:
                  - run: make
                    if: github.ref == 'refs/heads/main'
                    shell: pwsh
                    env:
                      1BAD: x
                """)).containsExactly(
                new WorkflowError(FILE, 1, 14, "`concurrency.group` can only use ${{ forge.repository }}, ${{ forge.ref }} and "
                        + "${{ forge.workflow }}; `github.ref` is not one of them"),
                new WorkflowError(FILE, 2, 11, "secret name `npm-token` in the workflow must be upper case letters, digits and `_`, "
                        + "not starting with a digit (for example NPM_TOKEN)"),
                new WorkflowError(FILE, 5, 9, "`if` of step 1 of job `build` must be one of success(), failure(), always() or "
                        + "cancelled(), optionally inside ${{ }}; `github.ref == 'refs/heads/main'` is not supported"),
                new WorkflowError(FILE, 6, 12, "`shell` of step 1 of job `build` must be bash, sh, or a command template containing {0} "
                        + "(for example `python3 {0}`), not `pwsh`"),
                new WorkflowError(FILE, 8, 7, "`1BAD` in `env` of step 1 of job `build` is not a valid variable name "
                        + "(letters, digits and `_`, not starting with a digit)"));
    }

    @Test
    void syntaxErrorsAndEmptyFilesHaveALocation() {
        assertThat(errors("name: x\nsteps:\n  - run: make\n   oops: [\n")).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(4);
            assertThat(error.message()).startsWith("YAML syntax error: ");
        });
        assertThat(errors("steps:\n\t- run: make\n")).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(2);
            assertThat(error.column()).isEqualTo(1);
            assertThat(error.message()).contains("indent with spaces, not tabs");
        });
        assertThat(errors("# nothing\n")).containsExactly(new WorkflowError(FILE, 1, 1,
                "the file is empty: a workflow needs `jobs` (or, in the single-job format, `steps`)"));
        assertThat(messages("steps: [{run: a}]\njobs:\n  b:\n    steps: [{run: b}]\n"))
                .containsExactly("use either `jobs` or top-level `steps` (the single-job format), not both");
    }

    @Test
    void aJobIdMustBeAName() {
        assertThat(messages("jobs:\n  \"build it\":\n    steps: [{run: make}]\n")).containsExactly("job id `build it` must start "
                + "with a letter or `_` and contain only letters, digits, `-` and `_` (at most 100 characters)");
    }

    @Test
    void everyProblemIsThrownTogetherSortedByPlace() {
        WorkflowInvalidException invalid = catchThrowableOfType(WorkflowInvalidException.class,
                () -> parser.parse(FILE, "steps:\n  - name: a\n  - run: b\n    shell: fish\n  - if: always\n"));
        assertThat(invalid.errors()).extracting(WorkflowError::line).containsExactly(2, 4, 5, 5);
        assertThat(invalid).hasMessageStartingWith("4 problem(s) in " + FILE);
    }

    @Test
    void branchFiltersUseGlobsAndNegation() {
        BranchFilter filter = new BranchFilter(List.of("main", "release/**", "feature/*", "!feature/wip", "v?"));
        assertThat(filter.matches("main")).isTrue();
        assertThat(filter.matches("release/1.0/rc1")).isTrue();
        assertThat(filter.matches("feature/login")).isTrue();
        assertThat(filter.matches("feature/login/deep")).isFalse();
        assertThat(filter.matches("feature/wip")).isFalse();
        assertThat(filter.matches("v2")).isTrue();
        assertThat(filter.matches("mainline")).isFalse();
        assertThat(filter.matches("main; rm -rf /")).isFalse();
        assertThat(BranchFilter.ANY.matches("anything/at/all")).isTrue();
        assertThat(new Triggers(filter, false, false).rejectsPush("dev"))
                .contains("its `on.push.branches` [main, release/**, feature/*, !feature/wip, v?] do not match branch `dev`");
    }

    @Test
    void theDidYouMeanHeuristicStaysQuietForFarOffWords() {
        assertThat(WorkflowParser.suggestion("stpes", java.util.Set.of("steps", "name"))).contains("steps");
        assertThat(WorkflowParser.suggestion("timeout", java.util.Set.of("timeout-minutes"))).contains("timeout-minutes");
        assertThat(WorkflowParser.suggestion("xyz", java.util.Set.of("steps", "name"))).isEmpty();
    }

    private List<WorkflowError> errors(String yaml) {
        return catchThrowableOfType(WorkflowInvalidException.class, () -> parser.parse(FILE, yaml)).errors();
    }

    private List<String> messages(String yaml) {
        assertThatThrownBy(() -> parser.parse(FILE, yaml)).isInstanceOf(WorkflowInvalidException.class);
        return errors(yaml).stream().map(WorkflowError::message).toList();
    }
}
