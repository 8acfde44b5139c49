package dev.forgeci.controller.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.events.JobCancelRequested;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.Topics;
import dev.forgeci.controller.job.JobLedger;
import dev.forgeci.controller.job.Jobs;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Every controller sees every cancel (a consumer group of its own). It stops the job if it runs it,
 * and remembers the cancel in the shared ledger for whichever controller takes the job later.
 */
@ApplicationScoped
public class CancelConsumer {

    private final Jobs jobs;
    private final JobLedger ledger;
    private final ObjectMapper json;
    private final Duration remember;

    public CancelConsumer(Jobs jobs, JobLedger ledger, ObjectMapper json, ControllerConfig config) {
        this.jobs = jobs;
        this.ledger = ledger;
        this.json = json;
        this.remember = config.controller().cancelMemory();
    }

    @Incoming(Topics.JOB_CANCEL_REQUESTED)
    public Uni<Void> onCancel(String payload) throws JsonProcessingException {
        JobCancelRequested cancel = json.readValue(payload, JobCancelRequested.class);
        JobKey job = cancel.key();
        String reason = cancel.reason();
        if (jobs.cancel(job, reason)) {
            Log.infof("Run %s: cancel of job %s (%s) received", job.runId(), job, reason);
        }
        // Remembered first, then looked up again: a dispatch being taken right now sees one or the other.
        return JobLedger.retried(ledger.rememberCancel(job, reason, remember), job, "remembering the cancel of")
                .invoke(() -> jobs.cancel(job, reason));
    }
}
