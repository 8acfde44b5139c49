package dev.forgeci.controller.log;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.LogChunk;
import io.quarkus.logging.Log;

/**
 * One job attempt's log on its way to {@code job-log-chunks}. Numbers lines and chunks; publishes a
 * line at once when the log has been quiet, otherwise batches until the batch size or the batch
 * interval since the previous chunk is reached; caps the job's total output with a visible notice
 * (the job keeps running); and bounds the chunks awaiting the broker's acknowledgement, so a slow
 * broker slows the runner's output instead of filling memory.
 */
public final class JobLog {

    /** About what one line adds to a chunk's JSON besides its text, so a chunk stays near the batch size. */
    private static final int LINE_OVERHEAD = 40;

    private final JobKey job;
    private final ChunkPublisher publisher;
    private final LogLimits limits;
    private final ScheduledExecutorService timer;
    private final long intervalNanos;
    private final Semaphore inFlight;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private List<LogChunk.Line> batch = new ArrayList<>();
    private long batchFirstLine;
    private int batchBytes;
    private long lines;
    private long chunks;
    private long outputBytes;
    private boolean truncated;
    private boolean closed;
    private long lastPublished;
    private ScheduledFuture<?> scheduled;

    public JobLog(JobKey job, ChunkPublisher publisher, LogLimits limits, ScheduledExecutorService timer) {
        this.job = job;
        this.publisher = publisher;
        this.limits = limits;
        this.timer = timer;
        this.intervalNanos = limits.batchInterval().toNanos();
        this.inFlight = new Semaphore(limits.maxUnacknowledgedChunks());
        this.lastPublished = System.nanoTime() - intervalNanos;
    }

    /** A line of the runner's output; blocks while too many chunks await the broker. */
    public void append(Integer step, String stream, String text, int bytes) {
        lock.lock();
        try {
            if (truncated || closed) {
                return;
            }
            outputBytes += bytes;
            if (outputBytes > limits.maxJobBytes()) {
                truncated = true;
                add(
                        new LogChunk.Line(
                                null,
                                LogChunk.SYSTEM,
                                "forge: the log of this job exceeded " + size(limits.maxJobBytes())
                                        + "; further output is not kept (the job keeps running)"),
                        0);
                publishBatch();
                return;
            }
            add(new LogChunk.Line(step, stream, text), bytes);
            publishWhenDue();
        } finally {
            lock.unlock();
        }
    }

    /** A line from the controller itself (stream {@code system}); never dropped by the cap. */
    public void system(String text) {
        lock.lock();
        try {
            if (!closed) {
                add(new LogChunk.Line(null, LogChunk.SYSTEM, text), text.length());
                publishWhenDue();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Publishes what is batched now, e.g. at a step boundary. */
    public void flush() {
        lock.lock();
        try {
            publishBatch();
        } finally {
            lock.unlock();
        }
    }

    /** Publishes what is left and waits until the broker acknowledged every chunk of the job. */
    public void close(Duration timeout) {
        lock.lock();
        try {
            publishBatch();
            closed = true;
        } finally {
            lock.unlock();
        }
        int all = limits.maxUnacknowledgedChunks();
        try {
            if (!inFlight.tryAcquire(all, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        "the broker did not acknowledge the log of " + job + " within " + timeout);
            }
            inFlight.release(all);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the log of " + job, e);
        }
        Throwable failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException(
                    "a log chunk of " + job + " could not be published: " + failed.getMessage(), failed);
        }
    }

    /** The last chunk's seq (0 before the first). */
    public long chunks() {
        lock.lock();
        try {
            return chunks;
        } finally {
            lock.unlock();
        }
    }

    public long lines() {
        lock.lock();
        try {
            return lines;
        } finally {
            lock.unlock();
        }
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private void add(LogChunk.Line line, int bytes) {
        if (batch.isEmpty()) {
            batchFirstLine = lines + 1;
        }
        batch.add(line);
        batchBytes += bytes + LINE_OVERHEAD;
        lines++;
    }

    private void publishWhenDue() {
        long sinceLast = System.nanoTime() - lastPublished;
        if (batchBytes >= limits.batchBytes() || sinceLast >= intervalNanos) {
            publishBatch();
        } else if (scheduled == null) {
            scheduled = timer.schedule(this::publishOnTimer, intervalNanos - sinceLast, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs on the shared timer, which must never block: when the log is busy it tries again shortly. */
    private void publishOnTimer() {
        if (!lock.tryLock()) {
            timer.schedule(this::publishOnTimer, 1, TimeUnit.MILLISECONDS);
            return;
        }
        try {
            scheduled = null;
            if (batch.isEmpty() || closed) {
                return;
            }
            if (!inFlight.tryAcquire()) {
                scheduled = timer.schedule(this::publishOnTimer, 5, TimeUnit.MILLISECONDS);
                return;
            }
            publishAcquired();
        } finally {
            lock.unlock();
        }
    }

    private void publishBatch() {
        if (batch.isEmpty()) {
            return;
        }
        inFlight.acquireUninterruptibly();
        publishAcquired();
    }

    private void publishAcquired() {
        LogChunk chunk =
                new LogChunk(job.runId(), job.jobId(), job.attempt(), ++chunks, batchFirstLine, batch, Instant.now());
        batch = new ArrayList<>();
        batchBytes = 0;
        lastPublished = System.nanoTime();
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        CompletionStage<Void> acknowledged;
        try {
            acknowledged = publisher.publish(chunk);
        } catch (RuntimeException e) {
            acknowledged = CompletableFuture.failedFuture(e);
        }
        acknowledged.whenComplete((ok, error) -> {
            if (error != null && failure.compareAndSet(null, error)) {
                Log.errorf(error, "Run %s: log chunk %d of job %s was not published", job.runId(), chunk.seq(), job);
            }
            inFlight.release();
        });
    }
}
