package dev.forgeci.scheduler.runs;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Scope;
import dev.forgeci.language.job.CallInputs;

/**
 * What a job's {@code if} (and a template's job-level fields) are evaluated against at the
 * scheduler: the run's contexts, {@code needs} — each job this one needs directly, with its
 * {@code result} and {@code outputs} (a matrix's: failure if any failed, outputs of the jobs that
 * ended later overwriting earlier ones, as on GitHub) — and the status functions over the run's state.
 * A job of a called workflow has the {@code inputs} its caller's {@code with} gives; the caller's
 * own view (its needs, its workflow's inputs) is {@link #ofCaller}; a calling job reads its called
 * jobs as the {@code jobs} context.
 */
final class JobScope implements Scope {

    private final Run run;
    private final Job job;
    private final boolean asCaller;

    private JobScope(Run run, Job job, boolean asCaller) {
        this.run = run;
        this.job = job;
        this.asCaller = asCaller;
    }

    static JobScope of(Run run, Job job) {
        return new JobScope(run, job, false);
    }

    /** The scope of the job that calls this job's workflow, where its {@code if} and {@code with} are evaluated. */
    static JobScope ofCaller(Run run, Job job) {
        return new JobScope(run, job, true);
    }

    private List<String> needs() {
        return asCaller ? job.callerNeeds() : job.needs();
    }

    @Override
    public JsonNode context(String name) {
        return switch (name) {
            case "needs" -> needs(run, job, needs());
            case "jobs" -> job.collects() && !asCaller ? needs(run, job, job.needs()) : null;
            case "inputs" ->
                job.caller() != null && !asCaller
                        ? inputs(run, job)
                        : run.context().get(name);
            default -> run.context().get(name);
        };
    }

    @Override
    public boolean status(String function) {
        return switch (function) {
            case "success" -> !run.cancelRequested() && run.needsSucceeded(needs());
            case "failure" -> !run.cancelRequested() && run.ancestorFailed(needs());
            case "cancelled" -> run.cancelRequested();
            default -> true;
        };
    }

    /** The {@code inputs} of a job of a called workflow: its caller's {@code with}, evaluated where the caller stands. */
    static ObjectNode inputs(Run run, Job job) {
        JsonNode call = job.spec().path(CallInputs.CALL);
        return CallInputs.evaluate(call.path("inputs"), call.path("with"), ofCaller(run, job));
    }

    /** The {@code needs} context of a job: only the jobs it needs directly, as GitHub gives it. */
    static ObjectNode needs(Run run, Job job) {
        return needs(run, job, job.needs());
    }

    private static ObjectNode needs(Run run, Job job, List<String> needed) {
        ObjectNode needs = JsonNodeFactory.instance.objectNode();
        for (String need : needed) {
            List<Job> group = run.group(need);
            ObjectNode entry = needs.putObject(job.localName(need));
            entry.put("result", result(group));
            ObjectNode outputs = entry.putObject("outputs");
            group.stream()
                    .filter(j -> j.finishedAt() != null)
                    .sorted(Comparator.comparing(Job::finishedAt))
                    .forEach(j -> j.outputs().forEach(outputs::put));
        }
        return needs;
    }

    /** A group's result: failure if any of its jobs failed, then cancelled, skipped if all were, else success. */
    static String result(List<Job> group) {
        if (group.stream().anyMatch(j -> j.state() == JobState.FAILURE || j.state() == JobState.ERROR)) {
            return "failure";
        }
        if (group.stream().anyMatch(j -> j.state() == JobState.CANCELLED)) {
            return "cancelled";
        }
        if (!group.isEmpty() && group.stream().allMatch(j -> j.state() == JobState.SKIPPED)) {
            return "skipped";
        }
        return "success";
    }
}
