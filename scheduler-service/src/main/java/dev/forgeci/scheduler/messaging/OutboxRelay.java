package dev.forgeci.scheduler.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.forgeci.scheduler.events.OutboxMessage;
import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.scheduler.infra.Backoff;
import dev.forgeci.scheduler.infra.DispatchSigner;
import dev.forgeci.scheduler.infra.RunStore;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Moves the Redis outbox to Kafka in order: read the head, publish it, wait for the broker, then
 * remove it. A crash in between publishes those records again, which every consumer recognises as
 * a redelivery (run id, job id, attempt, seq), so no effect happens twice and none is lost.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final int BATCH = 200;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final RunStore store;
    private final MutinyEmitter<String> emitter;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    private final DispatchSigner signer;

    public OutboxRelay(RunStore store, @Channel("outbox") MutinyEmitter<String> emitter, DispatchSigner signer) {
        this.store = store;
        this.emitter = emitter;
        this.signer = signer;
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::loop, "forge-outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            Backoff.join(thread);
        }
    }

    /** New records were committed. */
    public void wake() {
        wake.release();
    }

    private void loop() {
        Backoff backoff = new Backoff();
        while (running) {
            try {
                List<OutboxMessage> head = store.outboxHead(BATCH);
                if (head.isEmpty()) {
                    wake.tryAcquire(1, TimeUnit.SECONDS);
                    wake.drainPermits();
                    continue;
                }
                publish(head);
                store.outboxRemove(head.size());
                backoff.reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                Log.warnf("outbox: could not publish (%s); retrying", e.getMessage());
                if (!backoff.pause()) {
                    return;
                }
            }
        }
    }

    private void publish(List<OutboxMessage> messages) throws InterruptedException {
        List<CompletableFuture<Void>> acks = new ArrayList<>(messages.size());
        for (OutboxMessage message : messages) {
            RecordHeaders headers = new RecordHeaders();
            if (Topics.isJobDispatched(message.topic())) {
                // Signed as it leaves, so the key is needed here alone and the outbox in Redis holds no signature.
                signer.sign(message.key(), message.value())
                        .ifPresent(signature ->
                                headers.add(DispatchSigner.HEADER, signature.getBytes(StandardCharsets.UTF_8)));
            }
            OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                    .withTopic(message.topic())
                    .withKey(message.key())
                    .withHeaders(headers)
                    .build();
            // Subscribing sends now, in the outbox's order; the stage completes once Kafka acknowledged it.
            acks.add(emitter.sendMessage(Message.of(message.value()).addMetadata(metadata))
                    .subscribeAsCompletionStage());
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not take " + messages.size() + " records: " + e, e);
        }
    }
}
