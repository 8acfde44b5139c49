package dev.forgeci.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Evaluator;
import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.expr.Template;
import dev.forgeci.scheduler.config.SchedulerConfig;
import dev.forgeci.scheduler.events.ControllerHeartbeat;
import dev.forgeci.scheduler.events.JobEvent;
import dev.forgeci.scheduler.events.OutboxMessage;
import dev.forgeci.scheduler.events.RunEvent;
import dev.forgeci.scheduler.events.RunRequested;
import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.testkit.ExpressionConformance;
import dev.forgeci.testkit.GoldenEvents;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The scheduler's functional core without a broker or Redis: matrix groups, fail-fast and
 * max-parallel, {@code if} expressions over {@code needs}, templates instantiated from other jobs'
 * outputs; and the conformance list through the scheduler's own scope.
 */
class SchedulerCoreTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final Scheduler scheduler = new Scheduler(config(10), noHistory(), JSON);
    private final List<OutboxMessage> published = new ArrayList<>();
    private Instant clock = T0;

    @Test
    void needsWaitsForEveryJobOfAMatrixAndGetsTheirOutputsMerged() throws Exception {
        String runId = accept(request(
                matrixJob("build", "build.1", 0, 2, List.of(), "success()"),
                matrixJob("build", "build.2", 1, 2, List.of(), "success()"),
                job("report", List.of("build"), "success()")));
        assertThat(dispatched()).containsExactly("build.1", "build.2");

        finish(runId, "build.1", "success", Map.of("version", "1"));
        assertThat(dispatched()).containsExactly("build.1", "build.2");
        finish(runId, "build.2", "success", Map.of("version", "2", "other", "x"));

        assertThat(dispatched()).containsExactly("build.1", "build.2", "report");
        JsonNode needs = lastDispatch("report").path("context").path("needs");
        assertThat(needs.toString())
                .isEqualTo("{\"build\":{\"result\":\"success\",\"outputs\":{\"version\":\"2\",\"other\":\"x\"}}}");
        assertThat(lastDispatch("report")
                        .path("context")
                        .path("github")
                        .path("ref")
                        .asText())
                .isEqualTo("refs/heads/main");
    }

    @Test
    void anUntrustedRunThatAwaitsApprovalDispatchesNothingUntilApprovedAndThenRunsStillUntrusted() throws Exception {
        String runId = accept(untrusted(request(job("build", List.of(), "success()"))));

        assertThat(dispatched()).isEmpty();
        assertThat(runEvents(runId)).extracting(e -> e.path("status").asText()).containsExactly("waiting");
        assertThat(runEvents(runId).get(0).path("reason").asText()).isEqualTo(Run.WAITING_REASON);

        approve(runId, "maintainer", "did:key:z6MksFqXN3Yhqk8pTJdUGLwATkRfQvwZXPqR2qMEhbS9wzpT");

        assertThat(dispatched()).containsExactly("build");
        assertThat(lastDispatch("build").path("trusted").asBoolean()).isFalse();
        assertThat(records(Topics.JOB_DISPATCHED_UNTRUSTED))
                .as("only the untrusted pool reads it")
                .hasSize(1);
        assertThat(records(Topics.JOB_DISPATCHED)).isEmpty();
        JsonNode queued = runEvents(runId).get(1);
        assertThat(queued.path("status").asText()).isEqualTo("queued");
        assertThat(queued.path("approval").path("by").asText()).isEqualTo("maintainer");
        assertThat(queued.path("approval").path("did").asText())
                .isEqualTo("did:key:z6MksFqXN3Yhqk8pTJdUGLwATkRfQvwZXPqR2qMEhbS9wzpT");
        assertThatThrownBy(() -> approve(runId, "maintainer", null))
                .isInstanceOf(RunConflictException.class)
                .hasMessage("Run " + runId + " is queued; only a waiting run can be approved.");
    }

    @Test
    void theGoldenRunRequestWaitsForApprovalThenRunsItsJobsInOrderWithTheContextsTheTriggerGave() throws Exception {
        String runId = accept((ObjectNode) GoldenEvents.tree("run-requested"));
        assertThat(runEvents(runId)).extracting(e -> e.path("status").asText()).containsExactly("waiting");

        approve(runId, "operator", null);
        assertThat(dispatched()).containsExactly("build");
        JsonNode build = lastDispatch("build");
        assertThat(records(Topics.JOB_DISPATCHED_UNTRUSTED)).hasSize(1);
        assertThat(build.path("cloneUrl").asText())
                .isEqualTo("http://seed.example.org/z3gqcJUoA1n9HaHKufZs5FCSGazv5.git");
        assertThat(build.path("context").path("vars").path("REGION").asText()).isEqualTo("eu");
        assertThat(build.path("job").path("steps")).hasSize(2);

        finish(runId, "build", "success", Map.of("version", "1.2.3"));
        assertThat(dispatched()).containsExactly("build", "test");
        assertThat(lastDispatch("test")
                        .path("context")
                        .at("/needs/build/outputs/version")
                        .asText())
                .isEqualTo("1.2.3");
        assertThat(lastDispatch("test").path("job").path("env").path("VERSION").asText())
                .as("the runner evaluates job env")
                .isEqualTo("${{ needs.build.outputs.version }}");
    }

    @Test
    void onAFakeClockAJobNoRunnerStartsIsDispatchedAgainAfterTheDispatchTimeoutThenEndsErrorAfterTheSecond()
            throws Exception {
        String runId = accept(request(job("build", List.of(), "success()")));
        watchAfter(Duration.ofSeconds(119));
        assertThat(dispatched()).containsExactly("build");

        watchAfter(Duration.ofSeconds(2));
        assertThat(dispatches()).extracting(d -> d.path("attempt").asInt()).containsExactly(1, 2);
        assertThat(records(Topics.JOB_CANCEL_REQUESTED))
                .extracting(c -> c.path("reason").asText())
                .containsExactly("redispatched");

        watchAfter(Duration.ofSeconds(121));
        JsonNode end = runEvents(runId).get(runEvents(runId).size() - 1);
        assertThat(end.path("status").asText()).isEqualTo("error");
        assertThat(end.path("reason").asText())
                .isEqualTo("Job build: Runner lost: no runner started the job, dispatched 2 times.");
        assertThat(scheduler.activeRun(runId)).isNull();
    }

    @Test
    void onAFakeClockHeartbeatsKeepAStartedJobAliveAndTheirSilenceEndsItRunnerLost() throws Exception {
        String runId = accept(request(job("build", List.of(), "success()")));
        started(runId, "build", 1);
        for (int beat = 0; beat < 4; beat++) {
            watchAfter(Duration.ofSeconds(25));
            heartbeat(runId, "build");
        }
        assertThat(scheduler.activeRun(runId).job("build").state()).isEqualTo(JobState.RUNNING);

        watchAfter(Duration.ofSeconds(29));
        assertThat(scheduler.activeRun(runId).job("build").state()).isEqualTo(JobState.RUNNING);
        watchAfter(Duration.ofSeconds(2));
        JsonNode end = runEvents(runId).get(runEvents(runId).size() - 1);
        assertThat(end.path("status").asText()).isEqualTo("error");
        assertThat(end.path("reason").asText())
                .isEqualTo("Job build: Runner lost: controller c1 stopped reporting the job.");
        assertThat(records(Topics.JOB_CANCEL_REQUESTED))
                .extracting(c -> c.path("reason").asText())
                .containsExactly("cancelled");
    }

    @Test
    void onAFakeClockAJobStillRunningPastItsTimeoutAndTheGraceEndsErrorTimedOutEvenWhileHeartbeatsGoOn()
            throws Exception {
        ObjectNode build = job("build", List.of(), "success()").put("timeoutMinutes", 1);
        String runId = accept(request(build));
        started(runId, "build", 1);
        for (int beat = 0; beat < 14; beat++) {
            watchAfter(Duration.ofSeconds(25));
            heartbeat(runId, "build");
        }
        assertThat(scheduler.activeRun(runId).job("build").state())
                .as("5 min 50 s: within 1 min + 5 min grace")
                .isEqualTo(JobState.RUNNING);

        watchAfter(Duration.ofSeconds(15));
        JsonNode end = runEvents(runId).get(runEvents(runId).size() - 1);
        assertThat(end.path("status").asText()).isEqualTo("error");
        assertThat(end.path("reason").asText()).contains("Timed out").contains("1 minutes");
    }

    @Test
    void onlyAnUntrustedRunWaitsAndAWaitingRunCanBeCancelledWithoutEverBeingDispatched() throws Exception {
        ObjectNode trustedButFlagged = untrusted(request(job("build", List.of(), "success()")));
        ((ObjectNode) trustedButFlagged.path("trigger")).put("trusted", true);
        accept(trustedButFlagged);
        assertThat(dispatched()).containsExactly("build");
        assertThat(records(Topics.JOB_DISPATCHED))
                .as("the trusted pool's topic")
                .hasSize(1);

        String waiting = accept(untrusted(request(job("build", List.of(), "success()"))));
        Changes changes = new Changes(tick());
        scheduler.cancelOnRequest(waiting, changes);
        published.addAll(changes.outbox());

        assertThat(runEvents(waiting))
                .extracting(e -> e.path("status").asText())
                .containsExactly("waiting", "cancelled");
        assertThat(dispatched()).containsExactly("build");
        assertThat(scheduler.activeRun(waiting)).isNull();
    }

    @Test
    void aWaitingRunHoldsUpNoOneInItsConcurrencyGroupAndOnceApprovedTakesItsTurnAfterThem() throws Exception {
        String waiting = accept(grouped(untrusted(request(job("build", List.of(), "success()")))));
        String trusted = accept(grouped(request(job("build", List.of(), "success()"))));
        assertThat(lastDispatch("build").path("runId").asText()).isEqualTo(trusted);

        approve(waiting, "maintainer", null);
        assertThat(dispatched()).hasSize(1);

        finish(trusted, "build", "success", Map.of());
        assertThat(dispatched()).hasSize(2);
        assertThat(lastDispatch("build").path("runId").asText()).isEqualTo(waiting);
    }

    @Test
    void aRunQueuedBeforeARestartIsDispatchedAfterItAsItWouldHaveBeenBefore() throws Exception {
        Scheduler oneSlot = new Scheduler(config(1), noHistory(), JSON);
        ObjectNode first = request(job("build", List.of(), "success()"));
        ObjectNode queued = request(job("build", List.of(), "success()"));
        Changes changes = new Changes(tick());
        oneSlot.accept(JSON.treeToValue(first, RunRequested.class), first.toString(), changes);
        oneSlot.accept(JSON.treeToValue(queued, RunRequested.class), queued.toString(), changes);
        oneSlot.dispatchReady(changes);
        List<Run> stored = new ArrayList<>();
        for (Run run : List.of(
                oneSlot.activeRun(first.path("runId").asText()),
                oneSlot.activeRun(queued.path("runId").asText()))) {
            stored.add(JSON.readValue(JSON.writeValueAsString(run), Run.class));
        }

        scheduler.restore(
                stored,
                Map.of(
                        first.path("runId").asText(),
                        JSON.readTree(first.toString()),
                        queued.path("runId").asText(),
                        JSON.readTree(queued.toString())),
                tick());
        finish(first.path("runId").asText(), "build", "success", Map.of());

        JsonNode dispatch = lastDispatch("build");
        assertThat(dispatch.path("runId").asText())
                .isEqualTo(queued.path("runId").asText());
        assertThat(dispatch.path("commit").asText())
                .isEqualTo(queued.path("commit").asText());
        assertThat(dispatch.path("cloneUrl").asText())
                .isEqualTo(queued.path("cloneUrl").asText());
        assertThat(dispatch.path("job"))
                .isEqualTo(queued.path("workflow").path("jobs").get(0));
        assertThat(dispatch.path("context").path("github").path("ref").asText()).isEqualTo("refs/heads/main");
    }

    @Test
    void aFailedMatrixJobCancelsTheOthersUnlessFailFastIsOff() throws Exception {
        String runId = accept(request(
                matrixJob("test", "test.1", 0, 3, List.of(), "success()"),
                matrixJob("test", "test.2", 1, 3, List.of(), "success()"),
                matrixJob("test", "test.3", 2, 3, List.of(), "success()")));
        finish(runId, "test.1", "failure", Map.of());

        assertThat(cancelled()).containsExactlyInAnyOrder("test.2", "test.3");

        String relaxed = accept(request(
                strategy(matrixJob("lint", "lint.1", 0, 2, List.of(), "success()"), false, 0),
                strategy(matrixJob("lint", "lint.2", 1, 2, List.of(), "success()"), false, 0)));
        published.clear();
        finish(relaxed, "lint.1", "failure", Map.of());
        assertThat(cancelled()).isEmpty();
        finish(relaxed, "lint.2", "success", Map.of());
        assertThat(runEvents(relaxed))
                .last()
                .satisfies(e -> assertThat(e.path("status").asText()).isEqualTo("failure"));
    }

    @Test
    void maxParallelKeepsAtMostThatManyJobsOfTheMatrixInFlight() throws Exception {
        String runId = accept(request(
                strategy(matrixJob("e2e", "e2e.1", 0, 3, List.of(), "success()"), true, 2),
                strategy(matrixJob("e2e", "e2e.2", 1, 3, List.of(), "success()"), true, 2),
                strategy(matrixJob("e2e", "e2e.3", 2, 3, List.of(), "success()"), true, 2)));
        assertThat(dispatched()).containsExactly("e2e.1", "e2e.2");
        finish(runId, "e2e.2", "success", Map.of());
        assertThat(dispatched()).containsExactly("e2e.1", "e2e.2", "e2e.3");
    }

    @Test
    void aJobsIfReadsWhatTheJobsItNeedsReported() throws Exception {
        String runId = accept(request(
                job("setup", List.of(), "success()"),
                job("deploy", List.of("setup"), "success() && (needs.setup.outputs.deploy == 'true')"),
                job("docs", List.of("setup"), "success() && (needs.setup.outputs.docs == 'true')"),
                job("notify", List.of("deploy", "docs"), "always() && needs.docs.result == 'skipped'")));
        finish(runId, "setup", "success", Map.of("deploy", "true", "docs", "false"));
        assertThat(dispatched()).containsExactly("setup", "deploy");
        finish(runId, "deploy", "success", Map.of());

        assertThat(dispatched()).containsExactly("setup", "deploy", "notify");
        Job docs = scheduler.activeRun(runId).job("docs");
        assertThat(docs.state()).isEqualTo(JobState.SKIPPED);
        assertThat(docs.reason())
                .isEqualTo("Skipped: its `if` is false: success() && (needs.setup.outputs.docs == 'true')");
    }

    @Test
    void aTemplateBecomesItsMatrixOnceTheJobItNeedsReportedIt() throws Exception {
        ObjectNode template = job("build", List.of("setup"), "success()");
        template.putObject("deferred")
                .put("name", "build ${{ matrix.target }}")
                .putObject("strategy")
                .putObject("matrix")
                .put("target", "${{ fromJSON(needs.setup.outputs.targets) }}");
        String runId = accept(
                request(job("setup", List.of(), "success()"), template, job("ship", List.of("build"), "success()")));
        assertThat(dispatched()).containsExactly("setup");

        finish(runId, "setup", "success", Map.of("targets", "[\"arm\",\"x86\"]"));
        assertThat(dispatched()).containsExactly("setup", "build.1", "build.2");
        assertThat(lastDispatch("build.2").path("job").path("matrix").toString())
                .isEqualTo("{\"target\":\"x86\"}");
        assertThat(lastDispatch("build.2").path("job").path("name").asText()).isEqualTo("build x86");

        finish(runId, "build.1", "success", Map.of());
        finish(runId, "build.2", "success", Map.of());
        assertThat(dispatched()).endsWith("ship");
    }

    @Test
    void aTemplateThatCannotBeInstantiatedFailsWithTheReasonAndItsDependantsAreSkipped() throws Exception {
        ObjectNode template = job("build", List.of("setup"), "success()");
        template.putObject("deferred")
                .putObject("strategy")
                .put("matrix", "${{ fromJSON(needs.setup.outputs.targets) }}");
        String runId = accept(
                request(job("setup", List.of(), "success()"), template, job("ship", List.of("build"), "success()")));
        finish(runId, "setup", "success", Map.of("targets", "not json"));

        JsonNode end = runEvents(runId).get(runEvents(runId).size() - 1);
        assertThat(end.path("status").asText()).isEqualTo("failure");
        assertThat(end.path("reason").asText())
                .startsWith("Job build failed: Job build could not be set up: `strategy`: fromJSON(): the "
                        + "text is not JSON");
        assertThat(end.path("jobs").findValuesAsText("status")).containsExactly("success", "failure", "skipped");
    }

    @Test
    void calledJobsKnowEachOtherByTheirOwnIdsGetTheirInputsFromTheCallerAndTheCallerCollectsTheirOutputs()
            throws Exception {
        String runId = accept(request(
                job("setup", List.of(), "success()"),
                called(job("call.hello", List.of("setup"), "success()"), "success()"),
                called(
                        job(
                                "call.shout",
                                List.of("call.hello", "setup"),
                                "success() && (needs.hello.outputs.word == 'moon')"),
                        "success()"),
                caller("call", List.of("call.hello", "call.shout"), "${{ jobs.shout.outputs.said }}"),
                job("after", List.of("call"), "success() && (needs.call.outputs.said == 'moon!')")));
        finish(runId, "setup", "success", Map.of("word", "moon"));

        assertThat(dispatched()).containsExactly("setup", "call.hello");
        assertThat(lastDispatch("call.hello").path("context").path("inputs").toString())
                .isEqualTo("{\"greeting\":\"to moon\",\"loud\":false}");
        finish(runId, "call.hello", "success", Map.of("word", "moon"));
        assertThat(dispatched()).containsExactly("setup", "call.hello", "call.shout");
        assertThat(lastDispatch("call.shout").path("context").path("needs").fieldNames())
                .toIterable()
                .containsExactly("hello", "setup");
        finish(runId, "call.shout", "success", Map.of("said", "moon!"));

        Job call = scheduler.activeRun(runId).job("call");
        assertThat(call.state()).isEqualTo(JobState.SUCCESS);
        assertThat(call.outputs()).containsExactly(Map.entry("said", "moon!"));
        assertThat(dispatched())
                .as("the caller runs nowhere")
                .containsExactly("setup", "call.hello", "call.shout", "after");
        assertThat(lastDispatch("after").path("context").path("needs").toString())
                .isEqualTo("{\"call\":{\"result\":\"success\",\"outputs\":{\"said\":\"moon!\"}}}");
    }

    @Test
    void whenTheCallersIfIsFalseEveryCalledJobIsSkippedEvenOneThatRunsAlwaysAndSoIsTheCaller() throws Exception {
        String condition = "success() && (needs.setup.outputs.go == 'yes')";
        String runId = accept(request(
                job("setup", List.of(), "success()"),
                template(called(job("call.hello", List.of("setup"), "success()"), condition), "call / hello"),
                called(job("call.cleanup", List.of("call.hello", "setup"), "always()"), condition),
                caller("call", List.of("call.hello", "call.cleanup"), "x"),
                job("after", List.of("call"), "success()"),
                job("slow", List.of(), "success()")));
        finish(runId, "setup", "success", Map.of("go", "no"));

        assertThat(dispatched()).containsExactly("setup", "slow");
        assertThat(scheduler.activeRun(runId).job("call.cleanup").reason())
                .isEqualTo("Skipped: its `if` is false: " + condition + " (job call, which calls it)");
        assertThat(scheduler.activeRun(runId).job("call.hello").name())
                .as("a template skipped before it was made keeps its plain name")
                .isEqualTo("call / hello");
        finish(runId, "slow", "success", Map.of());
        JsonNode end = runEvents(runId).get(runEvents(runId).size() - 1);
        assertThat(end.path("status").asText()).isEqualTo("success");
        assertThat(end.path("jobs").findValuesAsText("status"))
                .containsExactly("success", "skipped", "skipped", "skipped", "skipped", "success");
    }

    @Test
    void aCalledJobThatFailsFailsItsCallerAndTheRunAndAnInputOfTheWrongTypeFailsTheCalledJob() throws Exception {
        String runId = accept(request(
                called(job("call.hello", List.of(), "success()"), "success()"),
                caller("call", List.of("call.hello"), "x")));
        finish(runId, "call.hello", "failure", Map.of());
        JsonNode end = runEvents(runId).get(runEvents(runId).size() - 1);
        assertThat(end.path("status").asText()).isEqualTo("failure");
        assertThat(end.path("jobs").findValuesAsText("status")).containsExactly("failure", "failure");

        ObjectNode wrong = called(job("call.hello", List.of(), "success()"), "success()");
        ((ObjectNode) wrong.path("call").path("with")).put("loud", "very");
        String typed = accept(request(wrong, caller("call", List.of("call.hello"), "x")));
        JsonNode failed = runEvents(typed).get(runEvents(typed).size() - 1);
        assertThat(failed.path("reason").asText())
                .isEqualTo("Job call.hello failed: Job call cannot call its workflow: input `loud` must be "
                        + "true or false, not `very`");
    }

    @TestFactory
    Stream<DynamicTest> theConformanceListHoldsThroughTheSchedulersScope() {
        return ExpressionConformance.run(c -> {
            ObjectNode contexts = c.contexts().deepCopy();
            JsonNode needs = contexts.remove("needs");
            ObjectNode request = request();
            request.set("context", contexts);
            ArrayNode jobs = (ArrayNode) request.path("workflow").path("jobs");
            List<String> needed = new ArrayList<>();
            needs.fieldNames().forEachRemaining(needed::add);
            needed.forEach(name -> jobs.add(job(name, List.of(), "success()")));
            jobs.add(job("x", needed, "success()"));
            List<Job> built = new ArrayList<>();
            for (JsonNode spec : jobs) {
                built.add(Job.of(JSON.treeToValue(spec, JobSpec.class), spec, built.size(), 360));
            }
            Run run = Run.create(JSON.treeToValue(request, RunRequested.class), T0, built);
            for (String name : needed) {
                Job job = run.job(name);
                job.outputs(JSON.convertValue(needs.path(name).path("outputs"), Map.class));
                job.end(JobState.ofOutcome(needs.path(name).path("result").asText()), null, 0, 0L, T0);
            }
            Scope scope = JobScope.of(run, run.job("x")).withStatus(c::status);
            return switch (c.kind()) {
                case "expr" -> Evaluator.evaluate(c.text(), scope);
                case "template" -> Template.parse(c.text()).evaluate(scope);
                default -> Evaluator.evaluate(dev.forgeci.language.expr.Condition.normalize(c.text()), scope);
            };
        });
    }

    // ----------------------------------------------------------------------------------------------

    private String accept(ObjectNode request) throws Exception {
        Changes changes = new Changes(tick());
        scheduler.accept(JSON.treeToValue(request, RunRequested.class), request.toString(), changes);
        scheduler.dispatchReady(changes);
        published.addAll(changes.outbox());
        return request.path("runId").asText();
    }

    private void approve(String runId, String by, String did) {
        Changes changes = new Changes(tick());
        scheduler.approve(runId, new RunEvent.Approval(by, did, clock), changes);
        scheduler.dispatchReady(changes);
        published.addAll(changes.outbox());
    }

    /** A patch from someone who is not a delegate, on a server that makes such runs wait. */
    private static ObjectNode untrusted(ObjectNode request) {
        ((ObjectNode) request.path("trigger"))
                .put("kind", "patch")
                .put("trusted", false)
                .put("awaitsApproval", true);
        return request;
    }

    private static ObjectNode grouped(ObjectNode request) {
        ((ObjectNode) request.path("workflow")).putObject("concurrency").put("group", "deploy");
        return request;
    }

    private void finish(String runId, String jobId, String status, Map<String, String> outputs) {
        int attempt = scheduler.activeRun(runId).job(jobId).attempt();
        started(runId, jobId, attempt);
        report(new JobEvent(
                JobEvent.Type.JOB_FINISHED,
                runId,
                jobId,
                attempt,
                2L,
                "c1",
                clock,
                null,
                status,
                status.equals("success") ? 0 : 1,
                null,
                3L,
                3L,
                outputs));
    }

    /** Controller c1 says it started this attempt, in the words a job-started record has on the wire. */
    private void started(String runId, String jobId, int attempt) {
        report(read("""
                {"type": "job-started", "runId": "%s", "jobId": "%s", "attempt": %d, "seq": 1, "controllerId": "c1", "at": "%s"}
                """.formatted(runId, jobId, attempt, clock), JobEvent.class));
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Controller c1 says, now, that it runs this job's first attempt. */
    private void heartbeat(String runId, String jobId) {
        scheduler.onHeartbeat(
                new ControllerHeartbeat(
                        "c1", clock, 5, List.of(new ControllerHeartbeat.RunningJob(runId, jobId, 1)), T0),
                clock);
    }

    private void report(JobEvent event) {
        Changes changes = new Changes(tick());
        scheduler.onJobEvent(event, changes);
        scheduler.dispatchReady(changes);
        published.addAll(changes.outbox());
    }

    /** Lets time pass on the fake clock, then runs the watchdogs as the engine's timer would. */
    private void watchAfter(Duration elapsed) {
        clock = clock.plus(elapsed);
        Changes changes = new Changes(clock);
        scheduler.watch(changes);
        scheduler.dispatchReady(changes);
        published.addAll(changes.outbox());
    }

    private Instant tick() {
        clock = clock.plusSeconds(1);
        return clock;
    }

    private List<String> dispatched() {
        return dispatches().stream().map(r -> r.path("jobId").asText()).toList();
    }

    private List<String> cancelled() {
        return records(Topics.JOB_CANCEL_REQUESTED).stream()
                .map(r -> r.path("jobId").asText())
                .toList();
    }

    private JsonNode lastDispatch(String jobId) {
        List<JsonNode> matching = dispatches().stream()
                .filter(r -> r.path("jobId").asText().equals(jobId))
                .toList();
        return matching.get(matching.size() - 1);
    }

    private List<JsonNode> runEvents(String runId) {
        return records(Topics.RUN_EVENTS).stream()
                .filter(r -> r.path("runId").asText().equals(runId))
                .toList();
    }

    /** Of both runner pools, in the order they were published. */
    private List<JsonNode> dispatches() {
        return records(Topics::isJobDispatched);
    }

    private List<JsonNode> records(String topic) {
        return records(topic::equals);
    }

    private List<JsonNode> records(Predicate<String> topic) {
        List<JsonNode> records = new ArrayList<>();
        for (OutboxMessage message : published) {
            if (topic.test(message.topic())) {
                try {
                    records.add(JSON.readTree(message.value()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return records;
    }

    private static ObjectNode request(ObjectNode... jobs) {
        ObjectNode request = JSON.createObjectNode();
        request.put(
                "runId",
                "01JZ"
                        + UUID.randomUUID()
                                .toString()
                                .replace("-", "")
                                .substring(0, 22)
                                .toUpperCase());
        request.put("requestedAt", T0.toString());
        request.putObject("trigger").put("kind", "push").put("trusted", true);
        request.putObject("repository").put("id", "rad:zCore").put("name", "core");
        request.put("commit", "0123456789abcdef0123456789abcdef01234567");
        request.put("ref", "refs/heads/main");
        request.put("cloneUrl", "http://127.0.0.1:1/zCore.git");
        request.putObject("context").putObject("github").put("ref", "refs/heads/main");
        ObjectNode workflow = request.putObject("workflow");
        workflow.put("name", "CI").put("file", ".github/workflows/ci.yml");
        ArrayNode list = workflow.putArray("jobs");
        for (ObjectNode job : jobs) {
            list.add(job);
        }
        return request;
    }

    /** A job of a workflow that job `call` calls, with its inputs declared and `greeting` given from setup's outputs. */
    private static ObjectNode called(ObjectNode job, String callerCondition) {
        ObjectNode call = job.putObject("call");
        call.put("job", "call").put("if", callerCondition);
        call.putArray("needs").add("setup");
        call.putObject("with").put("greeting", "to ${{ needs.setup.outputs.word }}");
        ObjectNode inputs = call.putObject("inputs");
        inputs.putObject("greeting").put("type", "string");
        inputs.putObject("loud").put("type", "boolean");
        return job;
    }

    /** A job whose fields read needs, as trigger-service leaves it: its name under deferred. */
    private static ObjectNode template(ObjectNode job, String name) {
        job.remove("name");
        job.putObject("deferred").put("name", name);
        return job;
    }

    private static ObjectNode caller(String id, List<String> called, String output) {
        ObjectNode job = job(id, called, "always()");
        job.remove("steps");
        job.put("collect", true);
        job.putObject("outputs").put("said", output);
        return job;
    }

    private static ObjectNode job(String id, List<String> needs, String condition) {
        ObjectNode job = JSON.createObjectNode();
        job.put("id", id).put("group", id).put("name", id);
        ArrayNode needed = job.putArray("needs");
        needs.forEach(needed::add);
        job.put("if", condition).put("timeoutMinutes", 60).put("continueOnError", false);
        job.putArray("steps").addObject().put("index", 0).put("name", "step").put("run", "true");
        return job;
    }

    private static ObjectNode matrixJob(
            String group, String id, int index, int total, List<String> needs, String condition) {
        ObjectNode job = job(id, needs, condition);
        job.put("group", group);
        job.putObject("strategy")
                .put("failFast", true)
                .put("jobIndex", index)
                .put("jobTotal", total)
                .put("maxParallel", total);
        return job;
    }

    private static ObjectNode strategy(ObjectNode job, boolean failFast, int maxParallel) {
        ((ObjectNode) job.path("strategy")).put("failFast", failFast).put("maxParallel", maxParallel);
        return job;
    }

    private static RunHistory noHistory() {
        return new RunHistory() {
            @Override
            public Optional<Run> find(String runId) {
                return Optional.empty();
            }

            @Override
            public Optional<String> request(String runId) {
                return Optional.empty();
            }
        };
    }

    /** The scheduler's own defaults, but for the limit, a test prefix and no rebuild from Kafka. */
    static SchedulerConfig config(int limit) {
        return new SmallRyeConfigBuilder()
                .withMapping(SchedulerConfig.class)
                .withSources(new PropertiesConfigSource(
                        Map.of(
                                "forge.scheduler.global-limit",
                                String.valueOf(limit),
                                "forge.scheduler.repository-limit",
                                String.valueOf(limit),
                                "forge.scheduler.redis-prefix",
                                "test:",
                                "forge.scheduler.rebuild.enabled",
                                "false"),
                        "SchedulerCoreTest",
                        100))
                .build()
                .getConfigMapping(SchedulerConfig.class);
    }
}
