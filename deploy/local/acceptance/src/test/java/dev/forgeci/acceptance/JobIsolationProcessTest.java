package dev.forgeci.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgeci.testkit.TestInfra;

/**
 * What a job can reach of this host, tried from inside a real runner: the seed and the registry on
 * the bridge address, as it must; none of the four services, Kafka or Redis, on any address the
 * runner can name (they listen on loopback, which in the runner is the runner's own).
 */
class JobIsolationProcessTest {

    @Test
    void aJobFindsNoServiceKafkaOrRedisOnTheBridgeAddressButReachesTheSeedAndTheRegistry() {
        ForgeStack forge = ForgeStack.get();
        String bridge = TestInfra.dockerBridgeAddress();
        List<String> closed = new ArrayList<>();
        forge.services().forEach(service -> closed.add(service.name() + "=" + service.port()));
        closed.add("kafka=" + forge.kafka.bootstrap().replaceFirst(".*:", ""));
        closed.add("redis=" + forge.redis.port());
        StringBuilder probe = new StringBuilder("set +e\n");
        for (String target : closed) {
            String name = target.substring(0, target.indexOf('='));
            String port = target.substring(target.indexOf('=') + 1);
            for (String host : List.of(bridge, "127.0.0.1")) {
                probe.append("curl -s -o /dev/null --max-time 3 http://")
                        .append(host)
                        .append(':')
                        .append(port)
                        .append("/; echo \"")
                        .append(name)
                        .append(' ')
                        .append(host.equals(bridge) ? "bridge" : "loopback")
                        .append(" curl-exit=$?\"\n");
            }
        }
        probe.append("curl -s -o /dev/null -w 'seed %{http_code}\\n' --max-time 3 ")
                .append(forge.gateway.url())
                .append("/\n");
        probe.append("curl -s -o /dev/null -w 'registry %{http_code}\\n' --max-time 3 http://")
                .append(TestInfra.registry())
                .append("/v2/\n");
        Forge.Pushed repo = Forge.newRepositoryWithACommit("isolation");
        String runId = Forge.triggerOne(
                repo.rid(),
                repo.commit(),
                "name: probe\nsteps:\n  - name: probe\n    run: |\n"
                        + probe.toString().indent(6));
        JsonNode run = Forge.awaitRun(runId, Duration.ofMinutes(2));
        String log = Forge.logText(runId);

        assertThat(run.path("status").asText()).as(log).isEqualTo("success");
        for (String target : closed) {
            String name = target.substring(0, target.indexOf('='));
            // 7: connection refused (nothing listens there for the runner)
            assertThat(log).as(log).contains(name + " bridge curl-exit=7", name + " loopback curl-exit=7");
        }
        assertThat(log).contains("registry 200").containsPattern("seed [1-5][0-9][0-9]");
    }
}
