package dev.forgeci.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.logs.infra.LogStore;
import dev.forgeci.testkit.LogFollower;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A run's log is bounded in bytes, says so where it was cut, and expires the configured time after its end. */
@QuarkusTest
@TestProfile(TruncationTest.SmallLogs.class)
class TruncationTest extends LiveGatewayTest {

    public static class SmallLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("forge.logs.max-bytes-per-run", "20000", "forge.logs.retention", "PT5M");
        }
    }

    @Inject
    RedisDataSource redis;

    @Test
    void linesPastTheLimitAreDroppedBehindAVisibleNoticeAndTheLogExpiresAfterTheEnd() {
        RunFeeder run = new RunFeeder(kafka);
        LogFollower client = open(run.runId, "");
        run.run("running").jobStarted("build").stepStarted("build", 1, "Spam");
        run.lines("build", 1, 1000, 100, n -> "spam line " + n);
        run.stepFinished("build", 1, "Spam", "success", 0)
                .jobFinished("build", "success", 0)
                .runFinished("success", Map.of("build", run.chunks("build")));
        client.awaitEnd(Duration.ofSeconds(30));

        List<JsonNode> frames = client.frames();
        List<String> types = frames.stream().map(f -> f.get("type").asText()).toList();
        int notice = types.indexOf("truncated");
        assertThat(notice).isPositive();
        assertThat(types.lastIndexOf("truncated")).isEqualTo(notice);
        // After the notice no line, then the job's end and the run's; the "running" run frame comes
        // from another topic than the lines and may land anywhere before the run's end.
        assertThat(types.subList(notice, types.size()))
                .doesNotContain("line")
                .contains("job")
                .endsWith("run", "end");
        assertThat(frames.get(frames.size() - 2).get("status").asText()).isEqualTo("success");
        int kept = client.lineTexts().size();
        assertThat(kept).isBetween(50, 999);
        assertThat(frames.get(notice).get("text").asText())
                .isEqualTo("This log reached its limit of 20000 bytes; later lines are not kept.");
        assertThat(frames.get(frames.size() - 1).get("droppedLines").asInt()).isEqualTo(1000 - kept);

        long ttl = redis.key().ttl(LogStore.streamKey(run.runId));
        assertThat(ttl).isBetween(240L, 300L);
        assertThat(redis.key().ttl(LogStore.streamKey(run.runId) + ":state")).isBetween(240L, 300L);
    }
}
