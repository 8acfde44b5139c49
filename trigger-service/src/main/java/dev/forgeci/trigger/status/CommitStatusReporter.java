package dev.forgeci.trigger.status;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.events.RunEvent;
import dev.forgeci.trigger.events.RunRequested;
import dev.forgeci.trigger.events.RunStatus;
import dev.forgeci.trigger.infra.CommitStatusLedger;
import dev.forgeci.trigger.radicle.Seeds;
import dev.forgeci.trigger.radicle.WebhookSecrets;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Posts commit statuses back to Radicle for webhook-started runs: {@code running} when the run
 * starts, {@code success} or {@code failure} when it ends (cancelled and error are reported as
 * failure: Radicle's states are only running, success and failure). Each body is signed with the
 * repository's webhook secret ({@code X-Garden-Signature-256: sha256=<hex>}). Posts never block the
 * consumer: they run asynchronously, one after the other per run (so a retried {@code running}
 * cannot land after {@code success}), retried with exponential backoff, and at most once per
 * (runId, seq).
 */
@ApplicationScoped
public class CommitStatusReporter {

    public static final String SIGNATURE_HEADER = "X-Garden-Signature-256";

    private final Seeds seeds;
    private final WebhookSecrets secrets;
    private final CommitStatusLedger ledger;
    private final ObjectMapper json;
    private final ForgeConfig.Status config;
    private final HttpClient http;
    private final RunLinks links;
    private final Map<String, CompletableFuture<Void>> perRun = new ConcurrentHashMap<>();

    public CommitStatusReporter(
            Seeds seeds,
            WebhookSecrets secrets,
            CommitStatusLedger ledger,
            ObjectMapper json,
            ForgeConfig config,
            RunLinks links) {
        this.links = links;
        this.seeds = seeds;
        this.secrets = secrets;
        this.ledger = ledger;
        this.json = json;
        this.config = config.status();
        this.http = HttpClient.newBuilder()
                .connectTimeout(this.config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Schedules the commit status this run-event calls for, if any; returns at once. */
    public void report(RunEvent event) {
        RunRequested.Trigger trigger = event.trigger();
        String state = radicleState(event.status());
        if (trigger == null || trigger.statusUrl() == null || state == null) {
            return;
        }
        String runId = event.runId();
        String repository =
                event.repository() == null ? null : event.repository().id();
        Optional<String> refusal = seeds.refusal(trigger.statusUrl());
        Optional<String> secret = secrets.secretFor(repository);
        if (refusal.isPresent() || secret.isEmpty() || repository == null || event.commit() == null) {
            Log.warnf(
                    "run %s: no commit status posted: %s",
                    runId,
                    refusal.orElse(
                            secret.isEmpty()
                                    ? "no webhook secret to sign it with"
                                    : "the run-event names no repository or commit"));
            return;
        }
        if (!firstTime(runId, event.seq())) {
            Log.debugf("run %s: commit status for seq %d already posted", runId, event.seq());
            return;
        }
        CommitStatus status = new CommitStatus(
                trigger.nodeId(),
                repository,
                event.commit(),
                trigger.statusContext() == null ? "forge-ci" : trigger.statusContext(),
                state,
                // a re-run carries its original's trigger, link included; it has a page of its own
                trigger.infoUrl() != null && trigger.rerunOf() == null ? trigger.infoUrl() : links.run(runId));
        byte[] body;
        try {
            body = json.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a commit status could not be serialized", e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(trigger.statusUrl()))
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, WebhookSecrets.sign(secret.get(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        enqueue(runId, () -> post(runId, state, request));
    }

    private boolean firstTime(String runId, long seq) {
        try {
            return ledger.claim(runId, seq);
        } catch (RuntimeException e) {
            // Posting twice is harmless (the latest state wins); not posting at all is not.
            Log.warnf("run %s: could not check whether seq %d was posted (%s); posting", runId, seq, e.getMessage());
            return true;
        }
    }

    private void enqueue(String runId, Supplier<CompletionStage<Void>> post) {
        CompletableFuture<Void> tail = perRun.compute(
                runId,
                (id, previous) -> (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
                        .thenCompose(x -> post.get()));
        tail.whenComplete((x, e) -> perRun.remove(runId, tail));
    }

    private CompletionStage<Void> post(String runId, String state, HttpRequest request) {
        return Uni.createFrom()
                .completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(response -> {
                    int code = response.statusCode();
                    if (code >= 200 && code < 300) {
                        return code;
                    }
                    throw code >= 500 || code == 429 || code == 408 ? new Retryable(code) : new Refused(code);
                })
                .onFailure(f -> !(f instanceof Refused))
                .retry()
                .withBackOff(config.initialBackoff(), config.maxBackoff())
                .withJitter(0.2)
                .atMost(Math.max(0, config.maxAttempts() - 1))
                .map(code -> {
                    Log.infof("run %s: commit status %s posted to %s (%d)", runId, state, request.uri(), code);
                    return (Void) null;
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    Log.warnf(
                            "run %s: commit status %s not posted to %s: %s",
                            runId, state, request.uri(), describe(failure));
                    return null;
                })
                .subscribeAsCompletionStage();
    }

    private static String describe(Throwable failure) {
        return failure instanceof IOException || failure.getCause() instanceof IOException
                ? "unreachable (" + failure + ")"
                : String.valueOf(failure.getMessage());
    }

    /** A status the receiver may answer differently later (5xx, 429, 408). */
    private static final class Retryable extends RuntimeException {
        Retryable(int code) {
            super("answered " + code, null, false, false);
        }
    }

    /** A final refusal (other 4xx): retrying would not help. */
    private static final class Refused extends RuntimeException {
        Refused(int code) {
            super("refused with " + code, null, false, false);
        }
    }

    /** Radicle's commit states are running, success and failure; cancelled and error read as failure. */
    private static String radicleState(RunStatus status) {
        return switch (status) {
            case RUNNING -> "running";
            case SUCCESS -> "success";
            case FAILURE, CANCELLED, ERROR -> "failure";
            case WAITING, QUEUED, OTHER -> null;
        };
    }
}
