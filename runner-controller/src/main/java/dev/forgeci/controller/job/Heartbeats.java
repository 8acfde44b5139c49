package dev.forgeci.controller.job;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.events.ControllerHeartbeat;
import dev.forgeci.controller.runner.RunnerPool;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/** Tells the scheduler this controller is alive, how many jobs it can run and which it runs. */
@ApplicationScoped
public class Heartbeats {

    private final Jobs jobs;
    private final Publisher publisher;
    private final String controllerId;
    private final String pool;
    private final Instant startedAt = Instant.now();

    public Heartbeats(Jobs jobs, Publisher publisher, ControllerConfig config) {
        this.jobs = jobs;
        this.publisher = publisher;
        this.controllerId = config.controller().id();
        this.pool = RunnerPool.parse(config.controller().pool()).label();
    }

    /** The first beat waits one interval: at start-up the Kafka channels are not connected yet. */
    @Scheduled(
            every = "${forge.controller.heartbeat-interval}",
            delayed = "${forge.controller.heartbeat-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        publisher
                .publish(new ControllerHeartbeat(
                        controllerId, pool, Instant.now(), jobs.capacity(), jobs.running(), startedAt))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        Log.warnf("Heartbeat of controller %s was not published: %s", controllerId, error.getMessage());
                    }
                });
    }
}
