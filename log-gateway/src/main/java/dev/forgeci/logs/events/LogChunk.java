package dev.forgeci.logs.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code job-log-chunks}: consecutive lines of one job attempt; {@code seq} counts chunks from 1 without gaps. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LogChunk(String runId, String jobId, Integer attempt, Long seq, Long firstLine, List<Line> lines, String at) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Line(Integer step, String stream, String text) {
    }
}
