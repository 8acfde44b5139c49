package dev.forgeci.scheduler.infra;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.scheduler.config.SchedulerConfig;
import dev.forgeci.scheduler.events.JobDispatched;
import dev.forgeci.scheduler.events.JobEvent;
import dev.forgeci.scheduler.events.OutboxMessage;
import dev.forgeci.scheduler.events.RunEvent;
import dev.forgeci.scheduler.events.RunRequested;
import dev.forgeci.scheduler.events.Topics;
import dev.forgeci.scheduler.runs.Changes;
import dev.forgeci.scheduler.runs.RunReplay;
import dev.forgeci.scheduler.runs.Scheduler;
import io.quarkus.logging.Log;

/**
 * Rebuilds the scheduler's Redis state from the retained topics, for a Redis that lost it:
 * <ol>
 * <li>run-events: the last seq of every run, and the terminal event of those that ended;</li>
 * <li>run-requested: an ended run is stored as its terminal event says (jobs' outcomes, no step
 * detail); any other run is accepted again as when it arrived, and approved again if it was;</li>
 * <li>job-dispatched and job-dispatched-untrusted: which attempt of which job holds a slot;</li>
 * <li>job-events: what the controllers reported, applied as when they arrived.</li>
 * </ol>
 * Nothing is published while replaying; afterwards the run events the replay computed and the
 * topic lacks (they were in the lost outbox) are. Then the scheduler goes on: jobs that were ready but
 * never dispatched are dispatched, the consumers resume from their committed offsets (what they
 * read again is recognised as a redelivery) and the watchdogs cover what the topics cannot tell.
 */
@ApplicationScoped
public class KafkaRebuild {

    private static final int FLUSH_EVERY = 500;

    private final SchedulerConfig config;
    private final RunStore store;
    private final ObjectMapper json;
    private final String bootstrap;

    public KafkaRebuild(
            SchedulerConfig config,
            RunStore store,
            ObjectMapper json,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.store = store;
        this.json = json;
        this.bootstrap = bootstrap;
    }

    public void rebuild(Scheduler scheduler) {
        Instant since = Instant.now().minus(config.rebuild().window());
        Log.infof("the scheduler state is not in Redis; rebuilding it from the topics since %s", since);
        // A rebuild that failed half-way starts again from nothing.
        scheduler.restore(new ArrayList<>(), Map.of(), Instant.now());
        RunReplay replay = new RunReplay(scheduler, json);
        Map<String, Long> seqs = new HashMap<>();
        Map<String, RunEvent> ended = new HashMap<>();
        Map<String, RunEvent.Approval> approvals = new HashMap<>();
        read(Topics.RUN_EVENTS, since, RunEvent.class, (event, at) -> {
            seqs.merge(event.runId(), event.seq(), Math::max);
            if (event.approval() != null) {
                approvals.put(event.runId(), event.approval());
            }
            if (event.status().terminal()) {
                // Only what a stored run needs; the trigger and repository come with the request.
                ended.put(
                        event.runId(),
                        new RunEvent(
                                event.runId(),
                                event.seq(),
                                event.status(),
                                event.reason(),
                                event.at(),
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                event.startedAt(),
                                event.finishedAt(),
                                event.jobs(),
                                event.approval()));
            }
        });
        Batch batch = new Batch();
        readRaw(Topics.RUN_REQUESTED, since, (record, at) -> {
            RunRequested request = json.readValue(record.value(), RunRequested.class);
            Changes changes = new Changes(at);
            RunEvent end = ended.get(request.runId());
            if (end != null) {
                replay.ended(request, record.value(), end, changes);
            } else {
                scheduler.accept(request, record.value(), changes);
                RunEvent.Approval approval = approvals.get(request.runId());
                if (approval != null && scheduler.isWaiting(request.runId())) {
                    scheduler.approve(request.runId(), approval, changes);
                }
            }
            batch.add(changes);
        });
        for (String dispatches : Topics.JOB_DISPATCHED_TOPICS) {
            read(dispatches, since, JobDispatched.class, (dispatched, at) -> {
                Changes changes = new Changes(at);
                replay.dispatched(dispatched, changes);
                batch.add(changes);
            });
        }
        read(Topics.JOB_EVENTS, since, JobEvent.class, (event, at) -> {
            Changes changes = new Changes(at);
            scheduler.onJobEvent(event, changes);
            batch.add(changes);
        });
        Changes last = new Changes(Instant.now());
        replay.finish(seqs, batch.replayedRunEvents, last);
        batch.flush();
        store.commit(last);
        Log.infof(
                "rebuilt %d runs from the topics (%d had ended); %d run events that were lost with the outbox published again",
                batch.runs, ended.size(), last.outbox().size());
    }

    /** Runs touched by the replay, written to Redis every few hundred, and the run events it computed. */
    private final class Batch {
        private Changes pending = new Changes(Instant.now());
        private final List<OutboxMessage> replayedRunEvents = new ArrayList<>();
        private long runs;

        void add(Changes changes) {
            runs += changes.requests().size();
            changes.outbox().stream()
                    .filter(message -> Topics.RUN_EVENTS.equals(message.topic()))
                    .forEach(replayedRunEvents::add);
            pending.absorb(changes);
            if (pending.runs().size() >= FLUSH_EVERY) {
                flush();
            }
        }

        void flush() {
            store.commit(pending);
            pending = new Changes(Instant.now());
        }
    }

    private interface RecordHandler {
        void accept(ConsumerRecord<String, String> record, Instant at) throws Exception;
    }

    private <T> void read(String topic, Instant since, Class<T> type, BiConsumer<T, Instant> handler) {
        readRaw(topic, since, (record, at) -> handler.accept(json.readValue(record.value(), type), at));
    }

    /** Every record of the topic from {@code since} to the end it had when the reading began. */
    private void readRaw(String topic, Instant since, RecordHandler handler) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long skipped = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> from = new HashMap<>();
            partitions.forEach(p -> from.put(p, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(from);
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp offset = start.get(partition);
                consumer.seek(partition, offset == null ? end.get(partition) : offset.offset());
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= end.get(new TopicPartition(topic, record.partition()))) {
                        continue;
                    }
                    try {
                        handler.accept(record, Instant.ofEpochMilli(record.timestamp()));
                    } catch (StoreUnavailableException e) {
                        throw e;
                    } catch (Exception unreadable) {
                        // It went to dead-letters when it arrived, or concerns a run this scheduler does not serve.
                        skipped++;
                    }
                }
            }
        }
        if (skipped > 0) {
            Log.infof("rebuild: %d records of %s could not be applied and were skipped", skipped, topic);
        }
    }
}
