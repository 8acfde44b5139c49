package dev.forgeci.controller.job;

import java.time.Instant;

import dev.forgeci.controller.events.JobKey;

/** What was already published about an attempt: a new controller continues its numbering from there. */
public interface JobHistory {

    /**
     * @param events   the last job-events seq (0 when none)
     * @param chunks   the last job-log-chunks seq (0 when none)
     * @param lines    the number of the last log line (0 when none)
     * @param finished whether a job-finished was published
     */
    record Progress(long events, long chunks, long lines, boolean finished) {}

    /** Reads the attempt's records published since {@code since}. */
    Progress progress(JobKey job, Instant since);
}
