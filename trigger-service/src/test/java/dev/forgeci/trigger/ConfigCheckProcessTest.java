package dev.forgeci.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.ServiceProcess;
import dev.forgeci.testkit.TestInfra;

/** A misspelt forge.* setting stops the packaged service at start, naming the key, instead of being ignored. */
class ConfigCheckProcessTest {

    @Test
    void aMisspeltForgeSettingStopsTheServiceAndTheLogNamesIt() {
        String log = ServiceProcess.refusedStart(
                "trigger-service",
                Path.of(System.getProperty("forge-test.app-jar")),
                Map.of(
                        "kafka.bootstrap.servers", TestInfra.kafkaBootstrap(),
                        "quarkus.redis.hosts", TestInfra.redisUri(),
                        "forge.publish.ack-timout", "5s"));

        assertThat(log).contains("forge.publish.ack-timout").contains("does not map to any root");
    }
}
