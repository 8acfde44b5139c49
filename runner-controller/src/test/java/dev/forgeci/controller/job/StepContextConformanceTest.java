package dev.forgeci.controller.job;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.Status;
import dev.forgeci.language.expr.Condition;
import dev.forgeci.language.expr.Evaluator;
import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.expr.Template;
import dev.forgeci.testkit.ExpressionConformance;

/**
 * The conformance list through the controller's own scope: the case's contexts arrive as a
 * dispatch does (github, inputs, vars, forge, needs in its context; matrix and strategy on the job;
 * secrets resolved; steps as they ended; env as the job's), and the status functions come from the case.
 */
class StepContextConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> theConformanceListHoldsThroughTheControllersScope() {
        return ExpressionConformance.run(c -> {
            ObjectNode given = c.contexts();
            ObjectNode context = JSON.createObjectNode();
            for (String name : new String[] {"github", "inputs", "vars", "forge", "needs"}) {
                context.set(name, given.get(name));
            }
            JsonNode strategy = given.path("strategy");
            JobDispatched.Job job = new JobDispatched.Job(
                    "build.2",
                    "build",
                    "build",
                    "success()",
                    null,
                    false,
                    Map.of(),
                    null,
                    null,
                    given.get("matrix"),
                    new JobDispatched.Strategy(
                            strategy.path("fail-fast").asBoolean(),
                            strategy.path("max-parallel").asInt(),
                            strategy.path("job-index").asInt(),
                            strategy.path("job-total").asInt()),
                    null,
                    null,
                    null,
                    null,
                    null);
            JobDispatched dispatch =
                    new JobDispatched("01RUN", "build.2", 1, null, null, null, null, null, true, "w", context, job);
            StepContext steps = new StepContext(
                    dispatch,
                    (ObjectNode) given.get("secrets"),
                    "runner-1",
                    () -> c.status("cancelled"),
                    patterns -> "");
            given.path("steps").fields().forEachRemaining(step -> {
                Map<String, String> outputs = new HashMap<>();
                step.getValue()
                        .path("outputs")
                        .fields()
                        .forEachRemaining(
                                o -> outputs.put(o.getKey(), o.getValue().asText()));
                steps.stepEnded(
                        step.getKey(),
                        outputs,
                        Status.of(step.getValue().path("outcome").asText()),
                        Status.of(step.getValue().path("conclusion").asText()));
            });
            Map<String, String> env = new HashMap<>();
            given.path("env")
                    .fields()
                    .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            Scope contexts = steps.scope(env);
            // the runner and job contexts are the controller's own; the case's are used where the controller has none
            Scope mixed = name -> switch (name) {
                case "runner", "job" -> given.get(name);
                default -> contexts.context(name);
            };
            Scope scope = mixed.withStatus(c::status);
            return switch (c.kind()) {
                case "expr" -> Evaluator.evaluate(c.text(), scope);
                case "template" -> Template.parse(c.text()).evaluate(scope);
                default -> Evaluator.evaluate(Condition.normalize(c.text()), scope);
            };
        });
    }
}
