package dev.forgeci.scheduler.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.scheduler.events.JobEvent;
import dev.forgeci.scheduler.events.RunEvent;
import dev.forgeci.scheduler.events.RunRequested.Repository;
import dev.forgeci.scheduler.runs.Job;
import dev.forgeci.scheduler.runs.Run;
import dev.forgeci.scheduler.runs.Step;

/** A run as the API shows it; the list leaves out the jobs. */
public record RunView(
        String runId,
        String status,
        String reason,
        Repository repository,
        String commit,
        String ref,
        String workflow,
        String workflowFile,
        String runName,
        JsonNode trigger,
        String rerunOf,
        String concurrencyGroup,
        boolean cancelRequested,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        Long queuedMs,
        Long durationMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) RunEvent.Approval approval,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<JobView> jobs) {

    public record JobView(
            String jobId,
            String group,
            String name,
            List<String> needs,
            String condition,
            String status,
            String reason,
            int attempt,
            Integer exitCode,
            String controllerId,
            boolean continueOnError,
            double timeoutMinutes,
            Instant dispatchedAt,
            Instant startedAt,
            Instant finishedAt,
            Long durationMs,
            Long logChunks,
            Map<String, String> outputs,
            List<JobEvent.StepReport> steps) {

        static JobView of(Job job) {
            return new JobView(
                    job.jobId(),
                    job.group(),
                    job.name(),
                    job.needs(),
                    job.condition(),
                    job.state().status(),
                    job.reason(),
                    job.attempt(),
                    job.exitCode(),
                    job.controllerId(),
                    job.continueOnError(),
                    job.timeoutMinutes(),
                    job.dispatchedAt(),
                    job.startedAt(),
                    job.finishedAt(),
                    millis(job.startedAt(), job.finishedAt()),
                    job.logChunks(),
                    job.outputs(),
                    job.steps().stream().map(Step::report).toList());
        }
    }

    static RunView summary(Run run) {
        return of(run, null);
    }

    static RunView detail(Run run) {
        return of(run, run.jobs().stream().map(JobView::of).toList());
    }

    private static RunView of(Run run, List<JobView> jobs) {
        return new RunView(
                run.runId(),
                run.status().word(),
                run.reason(),
                run.repository(),
                run.commit(),
                run.ref(),
                run.workflow(),
                run.workflowFile(),
                run.runName(),
                run.trigger(),
                run.rerunOf(),
                run.concurrencyGroup(),
                run.cancelRequested(),
                run.queuedAt(),
                run.startedAt(),
                run.finishedAt(),
                millis(run.queuedAt(), run.startedAt()),
                millis(run.startedAt(), run.finishedAt()),
                run.approval(),
                jobs);
    }

    private static Long millis(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }
}
