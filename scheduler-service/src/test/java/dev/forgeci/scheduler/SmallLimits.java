package dev.forgeci.scheduler;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Two slots in all, so queues form with a handful of runs. */
public class SmallLimits implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("forge.scheduler.global-limit", "2", "forge.scheduler.repository-limit", "2");
    }
}
