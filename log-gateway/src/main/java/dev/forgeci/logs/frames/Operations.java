package dev.forgeci.logs.frames;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.logs.config.LogsConfig;
import dev.forgeci.logs.events.InvalidEventException;
import dev.forgeci.logs.events.JobEvent;
import dev.forgeci.logs.events.LogChunk;
import dev.forgeci.logs.events.RunEvent;
import dev.forgeci.logs.frames.WireFrames.JobFrame;
import dev.forgeci.logs.frames.WireFrames.RunFrame;
import dev.forgeci.logs.frames.WireFrames.RunSummary;
import dev.forgeci.logs.frames.WireFrames.StepFrame;

/**
 * Turns a consumed event into the operation the store's script applies: the frames it appends
 * (JSON and terminal text, built here) and the counter that recognises its redelivery.
 */
@ApplicationScoped
public class Operations {

    private static final String SYSTEM_STYLE = "\u001b[2m";
    private static final String RESET = "\u001b[0m";
    private static final String CRLF = "\r\n";

    private final ObjectMapper json;
    private final Clock clock;
    private final boolean terminalQueries;

    public Operations(ObjectMapper json, LogsConfig config) {
        this.json = json;
        this.clock = Clock.systemUTC();
        this.terminalQueries = config.allowTerminalQueries();
    }

    public Operation of(LogChunk chunk) {
        int attempt = chunk.attempt();
        long seq = chunk.seq();
        List<LogChunk.Line> lines = chunk.lines();
        long firstLine = chunk.firstLine();
        ObjectNode op = jobOp("lines", "c:", chunk.jobId(), attempt, seq);
        // The hot path (a chunk is thousands of lines): each line's frame is written by hand, and the
        // lines travel as script arguments of their own rather than escaped once more inside the op.
        List<String> lineArguments = new ArrayList<>(lines.size() * 4);
        String framePrefix =
                "\"type\":\"line\",\"jobId\":" + quote(chunk.jobId()) + ",\"attempt\":" + attempt + ",\"step\":";
        for (int i = 0; i < lines.size(); i++) {
            LogChunk.Line line = lines.get(i);
            String stream = line.stream() == null ? "stdout" : line.stream();
            String written = line.text() == null ? "" : line.text();
            String text = terminalQueries ? written : TerminalText.safe(written);
            String body = framePrefix + line.step() + ",\"stream\":" + quote(stream) + ",\"line\":" + (firstLine + i)
                    + ",\"text\":" + quote(text) + "}";
            String raw = "system".equals(stream) ? SYSTEM_STYLE + text + RESET + CRLF : text + CRLF;
            lineArguments.add(String.valueOf(line.step() == null ? -1 : line.step()));
            lineArguments.add(body);
            lineArguments.add(raw);
            lineArguments.add(String.valueOf(utf8Length(body) + utf8Length(raw)));
        }
        return new Operation(chunk.runId(), op, lineArguments);
    }

    public Operation of(JobEvent event) {
        int attempt = event.attempt();
        long seq = event.seq();
        String job = event.jobId();
        switch (event.type()) {
            case STEP_STARTED, STEP_FINISHED -> {
                if (event.step() == null || event.step().index() == null) {
                    throw new InvalidEventException(event.type().wire() + " without step.index");
                }
                boolean started = event.type() == JobEvent.Type.STEP_STARTED;
                ObjectNode op = jobOp(started ? "step-started" : "event", "e:", job, attempt, seq)
                        .put("body", body(new StepFrame(started ? "started" : "finished", job, attempt, event.step())))
                        .put("raw", "");
                if (started) {
                    op.put("index", event.step().index())
                            .put(
                                    "name",
                                    event.step().name() == null
                                            ? "step #" + event.step().index()
                                            : event.step().name());
                } else {
                    op.put("frameType", "step");
                }
                return new Operation(event.runId(), op);
            }
            case JOB_STARTED -> {
                ObjectNode op = jobOp("event", "e:", job, attempt, seq)
                        .put("frameType", "job")
                        .put("body", body(new JobFrame(job, attempt, "running", null, null, event.at())))
                        .put("raw", "");
                return new Operation(event.runId(), op);
            }
            case JOB_FINISHED -> {
                ObjectNode op = jobOp("job-finished", "e:", job, attempt, seq)
                        .put("logChunks", event.logChunks() == null ? 0 : event.logChunks())
                        .put(
                                "body",
                                body(new JobFrame(
                                        job, attempt, event.status(), event.exitCode(), event.reason(), event.at())))
                        .put("raw", jobFinishedRaw(job, event.status(), event.exitCode()));
                return new Operation(event.runId(), op);
            }
            default -> {
                // A newer producer's event type: recorded as seen, shown to nobody.
                ObjectNode op = jobOp("skip", "e:", job, attempt, seq);
                return new Operation(event.runId(), op);
            }
        }
    }

    public Operation of(RunEvent event) {
        long seq = event.seq();
        ObjectNode op = json.createObjectNode()
                .put("kind", "run")
                .put("dedupe", "r")
                .put("seq", seq)
                .put("runId", event.runId())
                .put("status", event.status())
                .put("terminal", event.terminal())
                .put("score", clock.millis())
                .put(
                        "summary",
                        serialize(new RunSummary(
                                event.runId(),
                                event.status(),
                                event.reason(),
                                event.repository(),
                                event.commit(),
                                event.ref(),
                                event.workflow(),
                                event.queuedAt(),
                                event.startedAt(),
                                event.finishedAt(),
                                event.at())))
                .put(
                        "body",
                        body(new RunFrame(
                                event.status(),
                                event.reason(),
                                event.at(),
                                event.repository(),
                                event.commit(),
                                event.ref(),
                                event.workflow())))
                .put("raw", event.terminal() ? "" : SYSTEM_STYLE + "[forge] run " + event.status() + RESET + CRLF);
        ArrayNode jobs = op.putArray("jobs");
        for (RunEvent.Job job : event.jobs()) {
            int attempt = job.attempt();
            jobs.addObject()
                    .put("jobId", job.jobId())
                    .put("attempt", attempt)
                    .put("logChunks", job.logChunks())
                    .put("body", body(new JobFrame(job.jobId(), attempt, job.status(), null, null, event.at())))
                    .put("raw", jobFinishedRaw(job.jobId(), job.status(), null));
        }
        return new Operation(event.runId(), op);
    }

    private ObjectNode jobOp(String kind, String dedupePrefix, String job, int attempt, long seq) {
        return json.createObjectNode()
                .put("kind", kind)
                .put("dedupe", dedupePrefix + job + ":" + attempt)
                .put("seq", seq)
                .put("job", job)
                .put("attempt", attempt);
    }

    private static String jobFinishedRaw(String job, String status, Integer exitCode) {
        return "\u001b[1m==> job " + job + " " + status + (exitCode == null ? "" : " (exit " + exitCode + ")") + RESET
                + CRLF;
    }

    private static String quote(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The frame's JSON without its opening brace: the store writes {@code {"cursor":N,} before it. */
    private String body(Object frame) {
        return serialize(frame).substring(1);
    }

    private String serialize(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a frame could not be written as JSON", e);
        }
    }

    /**
     * What the store's script applies to one run: the operation, and for lines, four script
     * arguments per line (step index or -1, frame JSON without its opening brace, raw text, bytes).
     */
    public record Operation(String runId, ObjectNode script, List<String> lineArguments) {

        Operation(String runId, ObjectNode script) {
            this(runId, script, List.of());
        }
    }
}
