package dev.forgeci.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.testkit.LogFollower;

/**
 * Each fault strikes while a run is printing and other runs are queued behind the capacity limit:
 * a service killed with SIGKILL and started again, Redis restarted, the Kafka broker restarted.
 * Afterwards every run ends in a correct state (success, or error with a reason where its runner
 * really was lost), the WebSocket delivered each published line exactly once and in order, no queued
 * run was lost or run twice, and no runner container or volume is left.
 */
class FaultsProcessTest {

    private static final int LINES = 1500;
    private static final int QUEUED = 4;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    private static ForgeStack forge;

    enum Fault {
        KILL_TRIGGER_SERVICE(f -> restart(f.trigger)),
        KILL_SCHEDULER_SERVICE(f -> restart(f.scheduler)),
        KILL_RUNNER_CONTROLLER(f -> restart(f.controller)),
        KILL_LOG_GATEWAY(f -> restart(f.logs)),
        RESTART_REDIS(f -> {
            f.redis.stop();
            f.redis.startAgain();
        }),
        RESTART_KAFKA(f -> {
            f.kafka.stop();
            f.kafka.startAgain();
        });

        private final Consumer<ForgeStack> strike;

        Fault(Consumer<ForgeStack> strike) {
            this.strike = strike;
        }

        private static void restart(dev.forgeci.testkit.ServiceProcess service) {
            service.kill();
            service.startAgain();
        }
    }

    @BeforeAll
    static void startForge() {
        forge = ForgeStack.get();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    void runsEndCorrectlyWithEveryLineOnceAndNothingLeftBehind(Fault fault) {
        Forge.Pushed repo = Forge.newRepositoryWithACommit("faults " + fault);
        String printing = Forge.triggerOne(repo.rid(), repo.commit(), """
                name: Printing
                steps:
                  - name: count
                    run: |
                      for i in $(seq 1 %d); do
                        echo "line $i"
                        if [ $((i %% 50)) -eq 0 ]; then sleep 1; fi
                      done
                """.formatted(LINES));
        List<String> queued = new ArrayList<>();
        for (int i = 1; i <= QUEUED; i++) {
            queued.add(Forge.triggerOne(repo.rid(), repo.commit(), """
                    name: Queued %d
                    steps:
                      - run: |
                          sleep 4
                          echo "queued run %d ran"
                    """.formatted(i, i)));
        }

        try (LogFollower viewer = Forge.follow(printing)) {
            await("the run prints")
                    .atMost(RUN_TIMEOUT)
                    .until(() -> viewer.lineTexts().size() >= 200);
            fault.strike.accept(forge);

            String status = viewer.awaitEnd(RUN_TIMEOUT);
            JsonNode run = Forge.awaitRun(printing, Duration.ofSeconds(60));
            assertThat(run.path("status").asText()).isEqualTo(status);
            List<String> lines = viewer.lineTexts().stream()
                    .filter(l -> l.startsWith("line "))
                    .toList();
            if (fault == Fault.KILL_RUNNER_CONTROLLER) {
                assertThat(status).as("a job whose runner died").isEqualTo("error");
                assertThat(run.path("jobs").get(0).path("reason").asText()).containsIgnoringCase("lost");
            } else {
                assertThat(status).isEqualTo("success");
                assertThat(lines).hasSize(LINES);
            }
            for (int i = 0; i < lines.size(); i++) {
                assertThat(lines.get(i)).as("line %d on the WebSocket", i + 1).isEqualTo("line " + (i + 1));
            }
            List<JsonNode> frames = viewer.frames();
            for (int i = 0; i < frames.size(); i++) {
                assertThat(frames.get(i).path("cursor").asLong())
                        .as("frame cursors without gap or repeat")
                        .isEqualTo(i + 1);
            }
        }

        for (int i = 0; i < queued.size(); i++) {
            JsonNode run = Forge.awaitRun(queued.get(i), RUN_TIMEOUT);
            JsonNode job = run.path("jobs").get(0);
            String status = run.path("status").asText();
            if (fault == Fault.KILL_RUNNER_CONTROLLER && status.equals("error")) {
                // it was running on the killed controller: lost, reported, not silently re-run
                assertThat(job.path("reason").asText()).containsIgnoringCase("lost");
                continue;
            }
            assertThat(status).as("queued run %d (%s)", i + 1, job).isEqualTo("success");
            String ran = "queued run " + (i + 1) + " ran";
            assertThat(Forge.logText(queued.get(i))
                            .lines()
                            .filter(l -> l.endsWith(ran))
                            .count())
                    .as(ran + " once")
                    .isEqualTo(1);
        }
        await("no runner container or volume left")
                .atMost(Duration.ofSeconds(30))
                .until(() -> Docker.leftovers().isEmpty());
    }
}
