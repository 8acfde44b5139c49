package dev.forgeci.trigger.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.KafkaTestClient;
import dev.forgeci.trigger.Fixtures;
import dev.forgeci.trigger.TestEnvironment;
import dev.forgeci.trigger.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code on.schedule}: learnt from a push to the default branch, fired from its latest commit at each
 * tick (with a clock of the test's own), never twice, missed ticks within the catch-up window fired
 * after a restart and older ones skipped and counted, dropped when the branch drops it.
 */
@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
class ScheduleTest {

    static final KafkaTestClient.Watcher runRequested = TestKafka.runRequested();

    GitGateway gateway;

    @Inject
    ScheduleTicker ticker;

    @Inject
    ScheduleStore store;

    @Test
    void aScheduleFromTheDefaultBranchFiresEachTickOnceFromItsLatestCommit() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String first = repo.commit("master", Map.of(".github/workflows/nightly.yml", """
                name: Nightly
                on:
                  schedule:
                    - cron: '*/5 * * * *'
                jobs:
                  report:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "${{ github.event_name }} ${{ github.event.schedule }}"
                """), "nightly");
        push(rid, first).statusCode(200);
        ScheduleEntry entry = store.all().stream()
                .filter(e -> e.repositoryId().equals(rid))
                .findFirst()
                .orElseThrow();
        assertThat(entry.crons()).containsExactly("*/5 * * * *");
        String latest = repo.commit("master", Map.of("README.md", "later\n"), "a later commit");

        Instant now = entry.since()
                .truncatedTo(ChronoUnit.HOURS)
                .plus(1, ChronoUnit.HOURS)
                .plusSeconds(30);
        store.checked(entry, "*/5 * * * *", now.minus(Duration.ofMinutes(11)));
        int started = ticker.fire(now);
        assertThat(started).as("the ticks at :50, :55 and :00").isEqualTo(3);
        List<KafkaTestClient.Seen> runs = runRequested.await(
                r -> r.json().path("repository").path("id").asText().equals(rid), 3, Duration.ofSeconds(30));
        assertThat(runs).allSatisfy(run -> {
            assertThat(run.json().path("trigger").path("kind").asText()).isEqualTo("schedule");
            assertThat(run.json().path("trigger").path("trusted").asBoolean()).isTrue();
            assertThat(run.json().path("commit").asText()).isEqualTo(latest);
            assertThat(run.json()
                            .path("context")
                            .path("github")
                            .path("event_name")
                            .asText())
                    .isEqualTo("schedule");
            assertThat(run.json()
                            .path("context")
                            .path("github")
                            .path("event")
                            .path("schedule")
                            .asText())
                    .isEqualTo("*/5 * * * *");
        });

        assertThat(ticker.fire(now)).isZero();
        store.checked(entry, "*/5 * * * *", now.minus(Duration.ofMinutes(11)));
        assertThat(ticker.fire(now))
                .as("a tick fired once is never fired again")
                .isZero();
    }

    @Test
    void afterALongOutageTheTicksOfTheCatchUpWindowFireAndOlderOnesAreSkipped() {
        String rid = TestEnvironment.newRepositoryId();
        BareRepo repo = BareRepo.create(gateway.root(), rid);
        String commit = repo.commit("master", Map.of(".github/workflows/hourly.yml", """
                on:
                  schedule:
                    - cron: '0 * * * *'
                jobs:
                  a: {runs-on: linux, steps: [{run: date}]}
                """), "hourly");
        push(rid, commit).statusCode(200);
        ScheduleEntry entry = store.all().stream()
                .filter(e -> e.repositoryId().equals(rid))
                .findFirst()
                .orElseThrow();
        Instant now = entry.since()
                .truncatedTo(ChronoUnit.HOURS)
                .plus(Duration.ofHours(5))
                .plusSeconds(90);
        store.checked(entry, "0 * * * *", now.minus(Duration.ofHours(4)));

        // the last hour holds one tick; the three before it are older than the catch-up window
        assertThat(ticker.fire(now)).isEqualTo(1);
        assertThat(store.checked(entry, "0 * * * *")).isEqualTo(now.truncatedTo(ChronoUnit.HOURS));

        String without = repo.commit(
                "master",
                Map.of(
                        ".github/workflows/hourly.yml",
                        "on: push\njobs:\n  a: {runs-on: linux, steps: [{run: date}]}\n"),
                "no schedule any more");
        push(rid, without).statusCode(202);
        assertThat(store.all()).noneMatch(e -> e.repositoryId().equals(rid));
    }

    private io.restassured.response.ValidatableResponse push(String rid, String commit) {
        ObjectNode hook = Fixtures.json("webhook-push.json");
        ((ObjectNode) hook.path("repository")).put("id", rid).put("clone_url", TestEnvironment.cloneUrl(gateway, rid));
        hook.put("after", commit).remove("commit_status_url");
        byte[] body = Fixtures.serialize(hook);
        return io.restassured.RestAssured.given()
                .contentType("application/json")
                .body(body)
                .header("X-Request-UUID", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", Fixtures.sign(body))
                .header("x-radicle-event-type", "push")
                .when()
                .post("/api/hooks/radicle")
                .then();
    }
}
