package dev.forgeci.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.LogFollower;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Many viewers of one run and one that stops reading: everybody else gets every line, and the
 * stalled one is closed with a cursor from which it resumes without a gap. How fast 1,000 viewers
 * get a run is a figure of {@link LogGatewayBenchmark}, not a bound of this test.
 */
@QuarkusTest
class FanOutTest extends LiveGatewayTest {

    static final int CLIENTS = 100;
    static final long LINES = 2000;
    /** Long enough never to be the reason a slow machine fails; a stalled client must not hold the others up at all. */
    static final Duration OTHERS_BOUND = Duration.ofSeconds(60);

    @Inject
    MeterRegistry metrics;

    @Test
    void manyViewersReceiveEveryLineWhileAStalledOneIsClosedWithACursorAndResumes() throws Exception {
        RunFeeder run = new RunFeeder(kafka);
        String path = "/ws/runs/" + run.runId + "?access_token=" + TOKEN;
        // Some text per line, so that a client that reads nothing soon fills its socket.
        String padding = "x".repeat(200);
        List<String> expected = LongStream.rangeClosed(1, LINES)
                .mapToObj(n -> "line " + n + " " + padding)
                .toList();

        LogFollower stalled = LogFollower.stalled(socket(path));

        List<CompletableFuture<LogFollower>> connecting = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            connecting.add(LogFollower.connectAsync(socket(path)));
        }
        CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        List<LogFollower> viewers =
                connecting.stream().map(CompletableFuture::join).toList();
        double slowClosesBefore =
                metrics.counter("forge.logs.viewers.closed.slow").count();

        run.run("running").jobStarted("build").stepStarted("build", 1, "Build");
        run.lines("build", 1, LINES, 100, n -> "line " + n + " " + padding)
                .stepFinished("build", 1, "Build", "success", 0)
                .jobFinished("build", "success", 0)
                .runFinished("success", Map.of("build", run.chunks("build")));

        Awaitility.await()
                .atMost(OTHERS_BOUND)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> viewers.stream().allMatch(LogFollower::endReceived));
        for (LogFollower viewer : viewers) {
            assertThat(viewer.lineTexts()).isEqualTo(expected);
        }
        assertThat(stalled.messages())
                .as("the stalled client read nothing meanwhile")
                .isEmpty();

        viewers.forEach(LogFollower::close);
        stalled.close();
    }

    @Test
    void aClientThatStopsReadingIsClosedWithTheCursorToResumeFromAndResumesWithoutAGap() throws Exception {
        RunFeeder run = new RunFeeder(kafka);
        String path = "/ws/runs/" + run.runId + "?access_token=" + TOKEN;
        // More than the kernel buffers a loopback socket (several MiB), so that the gateway sees the stall.
        String padding = "y".repeat(400);
        long lines = 16_000;
        List<String> expected = LongStream.rangeClosed(1, lines)
                .mapToObj(n -> "line " + n + " " + padding)
                .toList();
        LogFollower stalled = LogFollower.stalled(socket(path));
        LogFollower reader = LogFollower.connect(socket(path));
        double slowClosesBefore =
                metrics.counter("forge.logs.viewers.closed.slow").count();

        run.run("running").jobStarted("build");
        run.lines("build", null, lines, 500, n -> "line " + n + " " + padding)
                .jobFinished("build", "success", 0)
                .runFinished("success", Map.of("build", run.chunks("build")));
        reader.awaitEnd(Duration.ofSeconds(60));
        assertThat(reader.lineTexts()).isEqualTo(expected);

        // The gateway gives up on it after the stall timeout (10 s in tests), with the cursor to resume from.
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> metrics.counter("forge.logs.viewers.closed.slow").count() > slowClosesBefore);
        stalled.resume();
        stalled.awaitClosed(Duration.ofSeconds(30));
        assertThat(stalled.closeCode()).isEqualTo(4408);
        assertThat(stalled.closeReason()).startsWith("client too slow; reconnect with cursor=");
        // The reason names the last frame the gateway knows the socket took; the client may have a few
        // more (the batch in flight), and resumes from the last cursor it has.
        long taken = Long.parseLong(
                stalled.closeReason().substring(stalled.closeReason().indexOf('=') + 1));
        long cursor =
                stalled.frames().get(stalled.frames().size() - 1).get("cursor").asLong();
        assertThat(cursor).isGreaterThanOrEqualTo(taken);
        assertThat(stalled.lineTexts().size()).isLessThan((int) lines);

        LogFollower resumed = LogFollower.connect(socket(path + "&cursor=" + cursor));
        resumed.awaitEnd(Duration.ofSeconds(60));
        List<String> joined = new ArrayList<>(stalled.lineTexts());
        joined.addAll(resumed.lineTexts());
        assertThat(joined).isEqualTo(expected);
        assertThat(resumed.frames().get(0).get("cursor").asLong()).isEqualTo(cursor + 1);
    }
}
