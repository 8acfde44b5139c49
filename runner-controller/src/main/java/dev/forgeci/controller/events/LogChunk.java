package dev.forgeci.controller.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Consecutive lines of one job attempt: {@code seq} counts chunks from 1 without gaps,
 * {@code firstLine} is the number (from 1) of the first line in the job's whole log.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LogChunk(
        String runId, String jobId, int attempt, long seq, long firstLine, List<Line> lines, Instant at) {

    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";
    public static final String SYSTEM = "system";

    /** {@code step} is the step's index, or null for set-up and the controller's own lines. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Line(Integer step, String stream, String text) {}
}
