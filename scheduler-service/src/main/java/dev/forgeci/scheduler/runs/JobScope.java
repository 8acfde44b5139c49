package dev.forgeci.scheduler.runs;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.language.expr.Scope;

/**
 * What a job's {@code if} (and a template's job-level fields) are evaluated against at the
 * scheduler: the run's contexts, {@code needs} — each job this one needs directly, with its
 * {@code result} and {@code outputs} (a matrix's: failure if any failed, outputs of the jobs that
 * ended later overwriting earlier ones, as on GitHub) — and the status functions over the run's state.
 */
final class JobScope implements Scope {

    private final Run run;
    private final Job job;

    JobScope(Run run, Job job) {
        this.run = run;
        this.job = job;
    }

    @Override
    public JsonNode context(String name) {
        return name.equals("needs") ? needs(run, job) : run.context().get(name);
    }

    @Override
    public boolean status(String function) {
        return switch (function) {
            case "success" -> !run.cancelRequested() && run.needsSucceeded(job);
            case "failure" -> !run.cancelRequested() && run.ancestorFailed(job);
            case "cancelled" -> run.cancelRequested();
            default -> true;
        };
    }

    /** The {@code needs} context of a job: only the jobs it needs directly, as GitHub gives it. */
    static ObjectNode needs(Run run, Job job) {
        ObjectNode needs = JsonNodeFactory.instance.objectNode();
        for (String need : job.needs()) {
            List<Job> group = run.group(need);
            ObjectNode entry = needs.putObject(need);
            entry.put("result", result(group));
            ObjectNode outputs = entry.putObject("outputs");
            group.stream().filter(j -> j.finishedAt() != null).sorted(Comparator.comparing(Job::finishedAt))
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
