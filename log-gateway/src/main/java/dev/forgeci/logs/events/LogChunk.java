package dev.forgeci.logs.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code job-log-chunks}: consecutive lines of one job attempt; {@code seq} counts chunks from 1 without gaps. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LogChunk(
        String runId, String jobId, Integer attempt, Long seq, Long firstLine, List<Line> lines, String at) {

    /** Without its attempt and seq a chunk cannot be placed; no firstLine means the job's first line, no lines none. */
    public LogChunk {
        Checks.require(runId, "runId");
        Checks.require(jobId, "jobId");
        Checks.positive(attempt, "attempt");
        Checks.positive(seq, "seq");
        firstLine = firstLine == null ? 1L : firstLine;
        lines = lines == null ? List.of() : lines;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Line(Integer step, String stream, String text) {}
}
