package dev.forgeci.controller.job;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.controller.events.JobDispatched;

/** Dispatches for the controller's unit tests, with trigger-service's defaults filled in. */
final class Dispatches {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private Dispatches() {}

    static JobDispatched dispatch(Double timeoutMinutes, JobDispatched.Step... steps) {
        return dispatch(context(), timeoutMinutes, Map.of(), Map.of(), steps);
    }

    static JobDispatched dispatch(
            ObjectNode context,
            Double timeoutMinutes,
            Map<String, String> env,
            Map<String, String> outputs,
            JobDispatched.Step... steps) {
        return new JobDispatched(
                "01RUN",
                "build",
                1,
                null,
                new JobDispatched.Repository("rad:z3gqcJUoA1n9HaHKufZs5FCSGazv5", "r"),
                null,
                null,
                null,
                true,
                "w",
                context,
                new JobDispatched.Job(
                        "build",
                        "build",
                        "Build",
                        "success()",
                        timeoutMinutes,
                        false,
                        env,
                        null,
                        outputs,
                        null,
                        null,
                        List.of(),
                        List.of(steps),
                        null,
                        null,
                        null));
    }

    /** A dispatch with no more than what names its job and steps, for what the check of a dispatch refuses. */
    static JobDispatched bare(String rid, String commit, String ref, String cloneUrl, JobDispatched.Step... steps) {
        ObjectNode tree = JSON.createObjectNode()
                .put("runId", "01RUN")
                .put("jobId", "build")
                .put("attempt", 1)
                .put("commit", commit)
                .put("ref", ref)
                .put("cloneUrl", cloneUrl)
                .put("trusted", true)
                .put("workflow", "w");
        tree.putObject("repository").put("id", rid).put("name", "r");
        tree.putObject("job")
                .put("id", "build")
                .put("group", "build")
                .put("name", "Build")
                .set("steps", JSON.valueToTree(List.of(steps)));
        return read(tree);
    }

    /** {@code dispatch} as its JSON reads after {@code edit}: a test names only what it changes. */
    static JobDispatched edited(JobDispatched dispatch, Consumer<ObjectNode> edit) {
        ObjectNode tree = JSON.valueToTree(dispatch);
        edit.accept(tree);
        return read(tree);
    }

    private static JobDispatched read(ObjectNode tree) {
        try {
            return JSON.treeToValue(tree, JobDispatched.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code dispatch} with these fields of its job set, each to a JSON text. */
    static JobDispatched withJob(JobDispatched dispatch, Map<String, String> fields) {
        return edited(
                dispatch,
                tree -> fields.forEach((field, value) -> tree.with("job").set(field, json(value))));
    }

    static JobDispatched.Step step(int index, String name) {
        return step(index, name, null, "true", "success()");
    }

    static JobDispatched.Step step(int index, String name, String id, String run, String condition) {
        return step(index, name, id, run, condition, Map.of(), false);
    }

    static JobDispatched.Step step(
            int index,
            String name,
            String id,
            String run,
            String condition,
            Map<String, String> env,
            boolean continueOnError) {
        return new JobDispatched.Step(
                index,
                id,
                name,
                run,
                null,
                null,
                "bash",
                "",
                env,
                null,
                BooleanNode.valueOf(continueOnError),
                condition);
    }

    static ObjectNode context() {
        ObjectNode context = JSON.createObjectNode();
        context.putObject("github")
                .put("sha", "0123456789abcdef0123456789abcdef01234567")
                .put("ref", "refs/heads/main")
                .put("event_name", "push")
                .putObject("event")
                .put("ref", "refs/heads/main");
        context.putObject("inputs");
        context.putObject("vars").put("REGION", "eu");
        context.putObject("needs")
                .putObject("setup")
                .put("result", "success")
                .putObject("outputs")
                .put("flavour", "vanilla");
        return context;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
