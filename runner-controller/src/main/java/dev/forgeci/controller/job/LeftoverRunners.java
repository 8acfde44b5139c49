package dev.forgeci.controller.job;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Runners of ended jobs whose removal failed (the engine was restarting, or slow): removed again
 * every {@code forge.docker.removal-retry-interval} until they are gone, container and volume, so a
 * controller that runs for weeks does not fill its engine's disk with what one outage left.
 */
@ApplicationScoped
public class LeftoverRunners {

    private final RunnerEngine engine;
    private final Set<Runner> pending = ConcurrentHashMap.newKeySet();

    public LeftoverRunners(RunnerEngine engine) {
        this.engine = engine;
    }

    public void add(Runner runner) {
        pending.add(runner);
    }

    public List<Runner> pending() {
        return List.copyOf(pending);
    }

    @Scheduled(
            every = "${forge.docker.removal-retry-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retry() {
        for (Runner runner : List.copyOf(pending)) {
            try {
                engine.remove(runner);
                pending.remove(runner);
                Log.infof("Removed runner %s (volume %s) that was left behind", runner.containerId(), runner.volume());
            } catch (RunnerException e) {
                Log.debugf("Runner %s is still not removed: %s", runner.containerId(), e.getMessage());
            }
        }
    }
}
