package dev.forgeci.trigger.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.forgeci.language.action.ActionReference;
import dev.forgeci.language.expr.Scope;

/** {@code jobs.<id>.uses}: a called workflow's jobs become jobs of the run, the caller collects their result and outputs. */
class ReusableWorkflowsTest {

    private static final String CALLER = ".github/workflows/ci.yml";
    private static final String CALLED = ".github/workflows/build.yml";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUILD = """
            on:
              workflow_call:
                inputs:
                  greeting: {type: string, required: true}
                  loud: {type: boolean, default: false}
                outputs:
                  said:
                    description: what the shout job said
                    value: ${{ jobs.shout.outputs.said }}
                secrets:
                  token: {required: false}
            jobs:
              hello:
                runs-on: ubuntu-latest
                outputs: {word: '${{ steps.w.outputs.word }}'}
                steps:
                  - id: w
                    run: echo "word=${{ inputs.greeting }}" >> "$GITHUB_OUTPUT"
              shout:
                name: Shout ${{ inputs.greeting }}
                needs: hello
                if: ${{ inputs.loud }}
                runs-on: ubuntu-latest
                outputs: {said: '${{ steps.s.outputs.said }}'}
                steps:
                  - id: s
                    run: echo "said=${{ needs.hello.outputs.word }}!" >> "$GITHUB_OUTPUT"
                    env: {TOKEN: '${{ secrets.token }}'}
            """;

    private final WorkflowCompiler compiler = new WorkflowCompiler();

    private static CalledWorkflows files(Map<String, String> files) {
        return reference -> reference instanceof ActionReference.Local local && files.containsKey(local.path())
                ? new CalledWorkflows.Found(local.path(), files.get(local.path()))
                : new CalledWorkflows.Missing("the commit has no file " + reference.display());
    }

    private CompiledWorkflow compile(String caller) {
        return compiler.compile(CALLER, caller, files(Map.of(CALLED, BUILD)));
    }

    private List<String> errors(String caller, String called) {
        return compiler.check(CALLER, caller, files(Map.of(CALLED, called))).errors().stream()
                .map(e -> e.file() + ":" + e.line() + ": " + e.message())
                .toList();
    }

    @Test
    void theCalledJobsBecomeJobsOfTheRunNeedingWhatTheCallerNeedsAndTheCallerCollectsThem() {
        CompiledWorkflow workflow = compile("""
                on: push
                jobs:
                  setup:
                    runs-on: ubuntu-latest
                    outputs: {word: hi}
                    steps: [{run: 'true'}]
                  call:
                    name: Greet
                    needs: setup
                    uses: ./.github/workflows/build.yml
                    with:
                      greeting: ${{ needs.setup.outputs.word }}
                      loud: true
                    secrets: {token: '${{ secrets.DEPLOY_TOKEN }}'}
                  after:
                    needs: call
                    runs-on: ubuntu-latest
                    steps: [{run: 'echo ${{ needs.call.outputs.said }}'}]
                """);

        assertThat(workflow.jobs())
                .extracting(JobTemplate::id)
                .containsExactly("setup", "call.hello", "call.shout", "call", "after");
        JobTemplate hello = workflow.jobs().get(1);
        JobTemplate shout = workflow.jobs().get(2);
        JobTemplate caller = workflow.jobs().get(3);
        assertThat(hello.needs()).containsExactly("setup");
        assertThat(shout.needs()).containsExactly("call.hello", "setup");
        assertThat(shout.condition()).isEqualTo("success() && (inputs.loud)");
        assertThat(shout.deferred().name()).isEqualTo(TextNode.valueOf("Greet / Shout ${{ inputs.greeting }}"));
        // with reads needs: only the scheduler can know the inputs, so the called jobs wait for it.
        assertThat(hello.readsNeeds()).isTrue();
        assertThat(hello.call().job()).isEqualTo("call");
        assertThat(hello.call().needs()).containsExactly("setup");
        assertThat(hello.call().condition()).isEqualTo("success()");
        assertThat(hello.call().with().toString())
                .isEqualTo("{\"greeting\":\"${{ needs.setup.outputs.word }}\",\"loud\":true}");
        assertThat(hello.call().inputs()).containsOnlyKeys("greeting", "loud");
        assertThat(hello.call().secrets()).containsExactly(Map.entry("token", "DEPLOY_TOKEN"));
        assertThat(caller.collect()).isTrue();
        assertThat(caller.needs()).containsExactly("call.hello", "call.shout");
        assertThat(caller.outputs()).containsExactly(Map.entry("said", "${{ jobs.shout.outputs.said }}"));
        assertThat(caller.steps()).isEmpty();
        assertThat(workflow.jobs().get(4).needs()).containsExactly("call");
    }

    @Test
    void inputsThatNeedNoOtherJobAreEvaluatedWhenTheRunIsPlanned() {
        CompiledWorkflow workflow = compile("""
                on: push
                jobs:
                  call:
                    uses: ./.github/workflows/build.yml
                    with: {greeting: 'from ${{ github.ref_name }}'}
                    secrets: inherit
                """);
        RunPlan.Planned plan = RunPlan.plan(
                workflow, Scope.of(Map.of("github", json("{\"ref_name\": \"main\"}"))), true, Set.of("ubuntu-latest"));

        assertThat(plan.jobs())
                .extracting(job -> job.path("id").asText())
                .containsExactly("call.hello", "call.shout", "call");
        ObjectNode shout = plan.jobs().get(1);
        assertThat(shout.path("name").asText()).isEqualTo("call / Shout from main");
        assertThat(shout.path("runsOn").toString()).isEqualTo("[\"ubuntu-latest\"]");
        assertThat(shout.path("call").has("secrets"))
                .as("inherit passes every secret by its own name")
                .isFalse();
        assertThat(plan.jobs().get(2).path("collect").asBoolean()).isTrue();
    }

    @Test
    void anInputOfTheWrongTypeIsRefusedWhenTheRunIsPlannedAtTheCallersUses() {
        CompiledWorkflow workflow = compile("on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n"
                + "    with: {greeting: hi, loud: maybe}\n");
        WorkflowInvalidException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                WorkflowInvalidException.class,
                () -> RunPlan.plan(workflow, Scope.of(Map.of()), true, Set.of("ubuntu-latest")));
        assertThat(refused.errors())
                .extracting(e -> e.line() + ": " + e.message())
                .containsOnly("4: input `loud` must be true or false, not `maybe`");
    }

    @Test
    void aCallIsCheckedAsGitHubChecksItAndEveryProblemSaysWhere() {
        assertThat(errors("""
                on: push
                jobs:
                  call:
                    uses: ./.github/workflows/build.yml
                    runs-on: ubuntu-latest
                    with: {greting: hi}
                    secrets: {tokn: '${{ secrets.X }}'}
                """, BUILD))
                .containsExactly(
                        CALLER
                                + ":4: job `call` does not give the called workflow's required input `greeting` (in `with`)",
                        CALLER
                                + ":5: `runs-on` cannot be used in job `call`, which calls a reusable workflow with `uses`; such a job takes only "
                                + "name, uses, with, secrets, strategy, needs, if, permissions, concurrency",
                        CALLER + ":6: `greting` is not an input of the called workflow; it has greeting, loud",
                        CALLER + ":7: `tokn` is not a secret of the called workflow; it has token");
        assertThat(errors(
                        "on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n    with: {greeting: hi}\n"
                                + "    secrets: {token: plain}\n",
                        BUILD))
                .containsExactly(
                        CALLER
                                + ":6: `secrets.token` of job `call` must be ${{ secrets.NAME }}: Forge passes a secret of this repository by name");
        assertThat(errors("on: push\njobs:\n  call:\n    uses: ./.github/workflows/other.yml\n", BUILD))
                .containsExactly(CALLER
                        + ":4: job `call` calls ./.github/workflows/other.yml, which cannot be read: the commit has no file "
                        + "./.github/workflows/other.yml");
        assertThat(errors("on: push\njobs:\n  call:\n    uses: ./scripts/build.sh\n", BUILD))
                .containsExactly(CALLER
                        + ":4: `uses` of job `call` must name a workflow file: ./.github/workflows/<file>.yml or "
                        + "owner/repo/.github/workflows/<file>.yml@ref, not `./scripts/build.sh`");
        assertThat(errors(
                        "on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n",
                        "on: push\njobs:\n  a:\n    runs-on: linux\n    steps: [{run: x}]\n"))
                .containsExactly(
                        CALLER
                                + ":4: .github/workflows/build.yml is not a reusable workflow: its `on` has no `workflow_call`");
    }

    @Test
    void problemsOfTheCalledFileAreReportedInThatFile() {
        assertThat(errors("on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n", """
                on:
                  workflow_call:
                    inputs:
                      n: {type: integr}
                    outputs:
                      v: {value: '${{ jobs.nope.outputs.v }}'}
                jobs:
                  a:
                    runs-on: linux
                    steps: [{run: 'echo ${{ inputs.m }}'}]
                  inner:
                    uses: ./.github/workflows/build.yml
                """))
                .containsExactly(
                        CALLED
                                + ":4: `type` of input `n` of `on.workflow_call` must be boolean, number or string, not `integr`",
                        CALLED + ":6: `jobs.nope`: the workflow has no job `nope`",
                        CALLED + ":10: `inputs.m` is not an input of this workflow (did you mean `n`?)",
                        CALLED
                                + ":12: job `inner` of a called workflow calls another one; Forge runs one level of reusable workflows (GitHub "
                                + "allows more): move its jobs into this file");
    }

    @Test
    void theLintOfAFileAloneWarnsThatItDidNotReadTheCalledWorkflow() {
        WorkflowCompiler.Result result = compiler.check(
                CALLER,
                "on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n"
                        + "  after:\n    needs: call\n    runs-on: linux\n    steps: [{run: x}]\n");
        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings())
                .extracting(WorkflowError::message)
                .containsExactly("the called workflow ./.github/workflows/build.yml "
                        + "is not checked here: the lint reads only the file it is given");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
