package dev.forgeci.trigger.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.events.RunRequested;
import dev.forgeci.trigger.events.Topics;
import dev.forgeci.trigger.run.TriggerRejected;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes {@code run-requested} records (keyed by runId; idempotent producer, acks=all) and returns
 * only once Kafka acknowledged every one of them, so a 202 never stands for a lost run.
 */
@ApplicationScoped
public class RunRequestedPublisher {

    private final MutinyEmitter<RunRequested> emitter;
    private final ForgeConfig config;

    public RunRequestedPublisher(
            @Channel(Topics.RUN_REQUESTED) MutinyEmitter<RunRequested> emitter, ForgeConfig config) {
        this.emitter = emitter;
        this.config = config;
    }

    /** Sends all runs and waits for their acknowledgements; throws {@link TriggerRejected} (Kafka unavailable) otherwise. */
    public void publish(List<RunRequested> runs) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        try {
            for (RunRequested run : runs) {
                acks.add(send(run));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(config.publish().ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(runs, e);
        } catch (ExecutionException e) {
            throw unavailable(runs, e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            throw unavailable(runs, e);
        }
    }

    /** Completes when Kafka acknowledged the record, fails when it refused it. */
    private CompletableFuture<Void> send(RunRequested run) {
        Message<RunRequested> message = Message.of(run)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(run.runId())
                        .build());
        return emitter.sendMessage(message).subscribeAsCompletionStage();
    }

    private static TriggerRejected unavailable(List<RunRequested> runs, Throwable cause) {
        Log.warnf(
                "run %s not requested: Kafka did not acknowledge run-requested (%s)",
                runs.isEmpty() ? "-" : runs.get(0).runId(), String.valueOf(cause));
        return new TriggerRejected(
                TriggerRejected.Reason.KAFKA_UNAVAILABLE,
                "the run could not be recorded because Kafka is unavailable; nothing was started, try again later");
    }
}
