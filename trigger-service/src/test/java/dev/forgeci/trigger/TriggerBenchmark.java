package dev.forgeci.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgeci.testkit.BareRepo;
import dev.forgeci.testkit.GitGateway;
import dev.forgeci.testkit.StatusReceiver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Webhook (or manual trigger) → run-requested acknowledged by Kafka: the time until the 202, which
 * is only sent once Kafka acknowledged the record. Once with the workflow read from a local seed
 * (git over smart HTTP, git http-backend), once with it inline. Latency is measured one request at
 * a time; throughput with concurrent clients. Prints the figures; asserts only that all succeeded.
 */
@QuarkusTest
@QuarkusTestResource(TestEnvironment.class)
class TriggerBenchmark {

    static final int CLIENTS = 8;
    static final String WORKFLOW = Fixtures.SEED_WORKFLOW;

    @TestHTTPResource("/")
    URL base;

    GitGateway gateway;
    StatusReceiver receiver;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void webhookToAcknowledgedRunRequested() throws Exception {
        String rid = TestEnvironment.newRepositoryId();
        String commit = BareRepo.create(gateway.root(), rid)
                .commit("master", Map.of(".forge/workflows/build.yaml", WORKFLOW), "ci");
        ObjectNode hook = Fixtures.json("webhook-push.json");
        ((ObjectNode) hook.path("repository")).put("id", rid).put("clone_url", TestEnvironment.cloneUrl(gateway, rid));
        hook.put("after", commit).put("commit_status_url", receiver.url() + "/api/commit-status");
        byte[] body = Fixtures.serialize(hook);
        String signature = Fixtures.sign(body);
        IntFunction<HttpRequest> webhook = i -> HttpRequest.newBuilder(URI.create(base + "api/hooks/radicle"))
                .header("Content-Type", "application/json")
                .header("x-radicle-event-type", "push")
                .header("X-Request-UUID", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();

        String inlineBody = "{\"repository\":\"" + rid + "\",\"commit\":\"" + commit + "\",\"workflow\":"
                + new ObjectMapper().writeValueAsString(WORKFLOW) + "}";
        IntFunction<HttpRequest> inline = i -> HttpRequest.newBuilder(URI.create(base + "api/triggers"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(inlineBody))
                .build();

        measure("webhook, workflow read from the seed over smart HTTP", webhook, 202, 30, 200, 400);
        measure("manual trigger, workflow inline", inline, 202, 200, 1000, 4000);
    }

    /** The IDE lints on every edit: a 300-line GitHub workflow (matrices, expressions in every place) must answer in 20 ms (p50). */
    @Test
    void lintOfAThreeHundredLineWorkflow() throws Exception {
        StringBuilder workflow = new StringBuilder("""
                name: Big CI
                run-name: CI of ${{ github.ref_name }}
                on:
                  push:
                    branches: [main, 'release/**']
                    paths-ignore: ['docs/**']
                  pull_request:
                  workflow_dispatch:
                    inputs:
                      debug: {type: boolean, default: false}
                env:
                  NODE_ENV: test
                jobs:
                """);
        for (int j = 0; workflow.toString().lines().count() < 300; j++) {
            workflow.append("  job")
                    .append(j)
                    .append(":\n")
                    .append("    runs-on: ${{ matrix.os }}\n")
                    .append(j > 0 ? "    needs: job" + (j - 1) + "\n" : "")
                    .append("    if: ${{ !inputs.debug || github.event_name == 'push' }}\n")
                    .append(
                            "    strategy:\n      matrix:\n        os: [ubuntu-latest, ubuntu-22.04]\n        node: [18, 20, 22]\n")
                    .append("    outputs:\n      v: ${{ steps.build.outputs.version }}\n")
                    .append("    steps:\n")
                    .append("      - uses: actions/checkout@v4\n")
                    .append("      - id: build\n        name: Build on ${{ matrix.os }}\n        run: |\n")
                    .append(
                            "          echo \"version=${{ matrix.node }}\" >> \"$GITHUB_OUTPUT\"\n          npm ci && npm test\n")
                    .append("        env:\n          KEY: ${{ hashFiles('**/package-lock.json') }}\n")
                    .append(
                            "      - run: echo ${{ steps.build.outputs.version }}\n        if: success() && contains(github.ref, 'main')\n");
        }
        String body = new ObjectMapper()
                .writeValueAsString(Map.of("file", ".github/workflows/big.yml", "workflow", workflow.toString()));
        IntFunction<HttpRequest> lint = i -> HttpRequest.newBuilder(URI.create(base + "api/workflows/lint"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestEnvironment.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        measure("lint of a " + workflow.toString().lines().count() + "-line workflow", lint, 200, 200, 1000, 2000);
    }

    private void measure(
            String what, IntFunction<HttpRequest> request, int status, int warmup, int sequential, int concurrent)
            throws Exception {
        run(request, status, warmup, 1);
        List<Long> latencies = run(request, status, sequential, 1);
        long started = System.nanoTime();
        run(request, status, concurrent, CLIENTS);
        double seconds = (System.nanoTime() - started) / 1e9;
        Collections.sort(latencies);
        System.out.printf("%n[trigger-benchmark] %s%n", what);
        System.out.printf(
                "[trigger-benchmark]   one at a time (%d requests): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                sequential,
                percentile(latencies, 50),
                percentile(latencies, 99),
                latencies.get(latencies.size() - 1) / 1e6);
        System.out.printf(
                "[trigger-benchmark]   %d concurrent clients (%d requests): %.0f requests/s sustained%n",
                CLIENTS, concurrent, concurrent / seconds);
    }

    /** Sends {@code count} requests from {@code clients} threads; returns each one's time to its answer, in nanoseconds. */
    private List<Long> run(IntFunction<HttpRequest> request, int status, int count, int clients) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        long started = System.nanoTime();
                        HttpResponse<String> response =
                                http.send(request.apply(i), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                        latencies.add(System.nanoTime() - started);
                        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdown();
        }
        return latencies;
    }

    private static double percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }
}
