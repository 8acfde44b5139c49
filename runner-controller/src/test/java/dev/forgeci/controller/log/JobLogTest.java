package dev.forgeci.controller.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.LogChunk;

class JobLogTest {

    private static final JobKey JOB = new JobKey("01RUN", "build", 1);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<LogChunk> published = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> acknowledgements = new CopyOnWriteArrayList<>();
    private volatile boolean acknowledgeAtOnce = true;

    private final ChunkPublisher publisher = chunk -> {
        published.add(chunk);
        CompletableFuture<Void> ack =
                acknowledgeAtOnce ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
        acknowledgements.add(ack);
        return ack;
    };

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private JobLog log(long maxJobBytes, int batchBytes, Duration interval, int unacknowledged) {
        return new JobLog(
                JOB, publisher, new LogLimits(64 * 1024, maxJobBytes, batchBytes, interval, unacknowledged), timer);
    }

    @Test
    void theFirstLineGoesOutAtOnceAndTheNextOnesInOneBatch() {
        JobLog log = log(1 << 20, 64 * 1024, Duration.ofMillis(200), 16);
        log.append(1, LogChunk.STDOUT, "first", 5);
        assertThat(published).hasSize(1);

        log.append(1, LogChunk.STDOUT, "second", 6);
        log.append(1, LogChunk.STDERR, "third", 5);
        assertThat(published).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);

        assertThat(published.get(1).lines()).extracting(LogChunk.Line::text).containsExactly("second", "third");
        assertThat(published.get(1).seq()).isEqualTo(2);
        assertThat(published.get(1).firstLine()).isEqualTo(2);
        assertThat(published.get(1).lines().get(1).stream()).isEqualTo(LogChunk.STDERR);
    }

    @Test
    void aFullBatchGoesOutWithoutWaitingForTheInterval() {
        JobLog log = log(1 << 20, 1000, Duration.ofHours(1), 16);
        log.append(null, LogChunk.SYSTEM, "start", 5);
        for (int i = 0; i < 30; i++) {
            log.append(1, LogChunk.STDOUT, "x".repeat(60), 60);
        }

        assertThat(published).hasSizeGreaterThanOrEqualTo(3);
        long line = 1;
        for (int i = 0; i < published.size(); i++) {
            assertThat(published.get(i).seq()).isEqualTo(i + 1);
            assertThat(published.get(i).firstLine()).isEqualTo(line);
            line += published.get(i).lines().size();
        }
    }

    @Test
    void beyondTheJobsCapOnlyANoticeAndTheControllersOwnLinesAreKept() {
        JobLog log = log(100, 64 * 1024, Duration.ofMillis(1), 16);
        for (int i = 0; i < 20; i++) {
            log.append(1, LogChunk.STDOUT, "0123456789", 10);
        }
        log.system("forge: job finished: success");
        log.close(Duration.ofSeconds(5));

        List<String> texts = published.stream()
                .flatMap(chunk -> chunk.lines().stream())
                .map(LogChunk.Line::text)
                .toList();
        assertThat(texts).filteredOn("0123456789"::equals).hasSize(10);
        assertThat(texts).anyMatch(text -> text.contains("exceeded 100 bytes"));
        assertThat(texts.get(texts.size() - 1)).isEqualTo("forge: job finished: success");
        assertThat(log.lines()).isEqualTo(texts.size());
        assertThat(log.chunks()).isEqualTo(published.size());
    }

    @Test
    void unacknowledgedChunksHoldBackTheOutputUntilTheBrokerAnswers() {
        acknowledgeAtOnce = false;
        JobLog log = log(1 << 20, 10, Duration.ofHours(1), 2);
        log.append(1, LogChunk.STDOUT, "one", 20);
        log.append(1, LogChunk.STDOUT, "two", 20);
        AtomicBoolean thirdAppended = new AtomicBoolean();
        Thread runner = new Thread(() -> {
            log.append(1, LogChunk.STDOUT, "three", 20);
            thirdAppended.set(true);
        });
        runner.start();

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !thirdAppended.get());
        acknowledgements.get(0).complete(null);
        await().atMost(Duration.ofSeconds(5)).untilTrue(thirdAppended);
        assertThat(published).hasSize(3);
    }

    @Test
    void closeWaitsForEveryAcknowledgement() {
        acknowledgeAtOnce = false;
        JobLog log = log(1 << 20, 64 * 1024, Duration.ofHours(1), 16);
        log.append(1, LogChunk.STDOUT, "one", 3);
        log.append(1, LogChunk.STDOUT, "two", 3);
        AtomicBoolean closed = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            log.close(Duration.ofSeconds(30));
            closed.set(true);
        });
        closer.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
        assertThat(closed).isFalse();
        acknowledgements.forEach(ack -> ack.complete(null));
        await().atMost(Duration.ofSeconds(5)).untilTrue(closed);
    }
}
