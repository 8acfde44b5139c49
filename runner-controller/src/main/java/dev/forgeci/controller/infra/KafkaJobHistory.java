package dev.forgeci.controller.infra;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.events.Topics;
import dev.forgeci.controller.job.JobHistory;

/**
 * Reads back, from the broker (the system of record), what was published about an attempt since a
 * point in time: a restarted controller continues the attempt's numbering without gaps or repeats.
 */
@ApplicationScoped
public class KafkaJobHistory implements JobHistory {

    private static final Duration POLL = Duration.ofMillis(500);

    private final String bootstrap;
    private final ObjectMapper json;

    public KafkaJobHistory(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, ObjectMapper json) {
        this.bootstrap = bootstrap;
        this.json = json;
    }

    @Override
    public Progress progress(JobKey job, Instant since) {
        long[] events = {0};
        boolean[] finished = {false};
        long[] chunks = {0, 0};
        try (KafkaConsumer<String, String> consumer = consumer()) {
            scan(consumer, Topics.JOB_EVENTS, job, since, event -> {
                events[0] = Math.max(events[0], event.path("seq").asLong());
                finished[0] |= JobEvent.Type.JOB_FINISHED
                        .wire()
                        .equals(event.path("type").asText());
            });
            scan(consumer, Topics.JOB_LOG_CHUNKS, job, since, chunk -> {
                long seq = chunk.path("seq").asLong();
                if (seq > chunks[0]) {
                    chunks[0] = seq;
                    chunks[1] = chunk.path("firstLine").asLong()
                            + chunk.path("lines").size()
                            - 1;
                }
            });
        }
        return new Progress(events[0], chunks[0], chunks[1], finished[0]);
    }

    /** Every partition from {@code since} to its current end: the records of one run share a partition. */
    private void scan(
            KafkaConsumer<String, String> consumer, String topic, JobKey job, Instant since, Consumer<JsonNode> visit) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> timestamps = new HashMap<>();
        partitions.forEach(p -> timestamps.put(p, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(timestamps);
        List<TopicPartition> remaining = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start != null && start.offset() < ends.get(partition)) {
                consumer.seek(partition, start.offset());
                remaining.add(partition);
            }
        }
        consumer.pause(partitions);
        consumer.resume(remaining);
        while (!remaining.isEmpty()) {
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                if (job.runId().equals(record.key())) {
                    JsonNode value = parse(record.value());
                    if (value != null
                            && job.jobId().equals(value.path("jobId").asText())
                            && job.attempt() == value.path("attempt").asInt()) {
                        visit.accept(value);
                    }
                }
            }
            remaining.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
        }
    }

    private KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private JsonNode parse(String value) {
        try {
            return value == null ? null : json.readTree(value);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }
}
