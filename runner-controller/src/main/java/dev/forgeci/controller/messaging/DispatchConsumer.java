package dev.forgeci.controller.messaging;

import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.events.JobDispatched;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.Topics;
import dev.forgeci.controller.job.DispatchVerifier;
import dev.forgeci.controller.job.EngineWatch;
import dev.forgeci.controller.job.JobExecution;
import dev.forgeci.controller.job.JobLedger;
import dev.forgeci.controller.job.Jobs;
import dev.forgeci.controller.runner.Isolation;
import dev.forgeci.controller.runner.RunnerPool;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Takes dispatched jobs, one record at a time, and only when a slot is free and the Docker engine
 * answers: the returned Uni completes (and the record is acknowledged) once the job is taken, so at
 * capacity, or while the engine is down, the consumer stops polling and the other controllers in
 * the group keep the work flowing (back-pressure); nothing is taken only to fail.
 */
@ApplicationScoped
public class DispatchConsumer {

    private final Jobs jobs;
    private final EngineWatch engine;
    private final JobLedger ledger;
    private final ObjectMapper json;
    private final DispatchVerifier verifier;
    private final String controllerId;
    private final ControllerConfig.Controller config;
    private final Optional<Pattern> repositories;
    private final ControllerConfig.Runner runner;
    private final RunnerPool pool;

    public DispatchConsumer(
            Jobs jobs,
            EngineWatch engine,
            JobLedger ledger,
            ObjectMapper json,
            ControllerConfig config,
            DispatchVerifier verifier) {
        this.jobs = jobs;
        this.engine = engine;
        this.ledger = ledger;
        this.json = json;
        this.verifier = verifier;
        this.config = config.controller();
        this.controllerId = this.config.id();
        this.repositories = this.config.repositoryPattern().map(Pattern::compile);
        this.runner = config.runner();
        this.pool = RunnerPool.parse(this.config.pool());
    }

    /** Observed before the messaging starts its channels (LIBRARY_BEFORE): a refused pool never takes a record. */
    void refuseAnUnsafePool(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent started) {
        Optional<String> problem = pool.isolationProblem(Isolation.parse(runner.isolation()));
        if (problem.isPresent() && !runner.unsafeUntrustedIsolation()) {
            throw new IllegalStateException("Controller " + controllerId + " refuses to start: " + problem.get()
                    + " (or set forge.runner.unsafe-untrusted-isolation=true where no untrusted code will run)");
        }
        problem.ifPresent(why -> Log.warnf(
                "UNSAFE: controller %s runs the untrusted pool anyway, as "
                        + "forge.runner.unsafe-untrusted-isolation allows: %s",
                controllerId, why));
        Log.infof("Controller %s serves the %s runner pool", controllerId, pool.label());
    }

    /**
     * A record that is not the scheduler's or cannot be decoded fails here and goes to the
     * dead-letter topic; the consumer carries on.
     */
    @Incoming(Topics.JOB_DISPATCHED)
    public Uni<Void> onDispatch(ConsumerRecord<String, String> record) throws JsonProcessingException {
        Header signature = record.headers().lastHeader(DispatchVerifier.HEADER);
        verifier.check(record.key(), record.value(), signature == null ? null : signature.value());
        JobDispatched dispatch = json.readValue(record.value(), JobDispatched.class);
        JobKey job = dispatch.key();
        if (!pool.serves(dispatch.trusted())) {
            throw new IllegalArgumentException("job-dispatched of run " + job.runId() + " is for a"
                    + (dispatch.trusted() ? " trusted" : "n untrusted") + " run; the " + pool.label()
                    + " runner pool refuses it");
        }
        if (repositories.isPresent()
                && (dispatch.repositoryId() == null
                        || !repositories.get().matcher(dispatch.repositoryId()).matches())) {
            Log.debugf(
                    "Run %s: job %s is for %s, which this controller does not serve",
                    job.runId(), job, dispatch.repositoryId());
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom()
                .completionStage(jobs::awaitSlot)
                .chain(() -> Uni.createFrom().completionStage(engine::awaitAnswering))
                .chain(() -> JobLedger.retried(ledger.take(job, controllerId, config.takenMemory()), job, "taking"))
                .chain(taken -> {
                    if (!taken) {
                        jobs.giveBack();
                        Log.infof("Run %s: job %s was already taken; not running it again", job.runId(), job);
                        return Uni.createFrom().voidItem();
                    }
                    // Tracked before the cancel check: a cancel arriving meanwhile finds the job either way.
                    JobExecution execution = jobs.track(dispatch);
                    return JobLedger.retried(ledger.cancelReason(job), job, "reading cancels for")
                            .invoke(reason -> {
                                if (reason != null) {
                                    execution.cancel(reason);
                                }
                                Log.infof("Run %s: job %s taken by controller %s", job.runId(), job, controllerId);
                                jobs.launch(execution);
                            })
                            .replaceWithVoid();
                });
    }
}
