package dev.forgeci.scheduler;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Watchdog bounds of seconds instead of minutes. */
public class ShortWatchdogs implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "forge.scheduler.dispatch-timeout",
                "PT2S",
                "forge.scheduler.heartbeat-timeout",
                "PT3S",
                "forge.scheduler.job-timeout-grace",
                "PT1S",
                "forge.scheduler.watchdog-interval",
                "PT0.2S");
    }
}
