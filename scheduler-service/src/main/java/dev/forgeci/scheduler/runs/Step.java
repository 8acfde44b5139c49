package dev.forgeci.scheduler.runs;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;

import dev.forgeci.scheduler.events.JobEvent;
import dev.forgeci.scheduler.events.JobEvent.StepReport;

/** One step of a job as the controller reported it; listed from the workflow before the job starts. */
@JsonAutoDetect(
        fieldVisibility = Visibility.ANY,
        getterVisibility = Visibility.NONE,
        isGetterVisibility = Visibility.NONE)
public final class Step {

    private int index;
    private String name;
    private StepStatus status = StepStatus.QUEUED;
    private Integer exitCode;
    private Instant startedAt;
    private Instant finishedAt;
    private Long durationMs;
    /** What the step wrote to $GITHUB_STEP_SUMMARY (markdown, capped by the controller). */
    private String summary;
    /** The action from a repository the step uses, at the commit that ran. */
    private JobEvent.Action action;

    Step() {}

    Step(int index, String name) {
        this.index = index;
        this.name = name;
    }

    void started(StepReport report, Instant at) {
        rename(report);
        status = StepStatus.RUNNING;
        startedAt = report.startedAt() != null ? report.startedAt() : at;
    }

    void finished(StepReport report, Instant at) {
        rename(report);
        status = StepStatus.ended(JobState.ofOutcome(report.status()));
        exitCode = report.exitCode();
        summary = report.summary();
        if (report.startedAt() != null) {
            startedAt = report.startedAt();
        }
        finishedAt = report.finishedAt() != null ? report.finishedAt() : at;
        durationMs = report.durationMs() != null
                ? report.durationMs()
                : startedAt == null
                        ? null
                        : Duration.between(startedAt, finishedAt).toMillis();
    }

    /** The job ended around this step: a step never reached was skipped, one in progress ended with the job. */
    void jobEnded(JobState job, Instant at) {
        if (status == StepStatus.QUEUED) {
            status = StepStatus.SKIPPED;
        } else if (status == StepStatus.RUNNING) {
            status = StepStatus.ended(job);
            finishedAt = at;
            durationMs =
                    startedAt == null ? null : Duration.between(startedAt, at).toMillis();
        }
    }

    private void rename(StepReport report) {
        if (report.name() != null) {
            name = report.name();
        }
        if (report.action() != null) {
            action = report.action();
        }
    }

    int index() {
        return index;
    }

    String name() {
        return name;
    }

    /** The step as the runs API shows it: in the words the controller reports it with. */
    public StepReport report() {
        return new StepReport(index, name, status.word(), exitCode, startedAt, finishedAt, durationMs, summary, action);
    }
}
