package dev.forgeci.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Talks to the real test broker the way another service would: produces JSON records and watches
 * topics from "now" on, so a test only sees what happened after it started watching.
 */
public final class KafkaTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrap;
    private final KafkaProducer<String, String> producer;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();

    public KafkaTestClient() {
        this(TestInfra.kafkaBootstrap());
    }

    public KafkaTestClient(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(props);
    }

    /** Sends a record and waits until the broker acknowledged it. */
    public RecordMetadata send(String topic, String key, String value) {
        return send(topic, key, value, Map.of());
    }

    /** The same, with these headers (as UTF-8). */
    public RecordMetadata send(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach(
                (name, text) -> record.headers().add(name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    public RecordMetadata sendJson(String topic, String key, Object value) {
        try {
            return send(topic, key, JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Waits until the consumer group owns every partition of the topics. A service under test reads
     * from "latest" under a fresh group, so anything sent before this returns could be missed.
     */
    public void awaitAssigned(String groupId, Duration timeout, String... topics) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Set<TopicPartition> wanted = new HashSet<>();
            for (TopicDescription topic :
                    admin.describeTopics(List.of(topics)).allTopicNames().get().values()) {
                topic.partitions().forEach(p -> wanted.add(new TopicPartition(topic.name(), p.partition())));
            }
            Awaitility.await()
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId))
                                .all()
                                .get()
                                .get(groupId);
                        Set<TopicPartition> assigned = new HashSet<>();
                        group.members()
                                .forEach(m -> assigned.addAll(m.assignment().topicPartitions()));
                        return assigned.containsAll(wanted);
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not describe " + String.join(", ", topics), e);
        }
    }

    /** Starts watching the topics from their current end; returns once positioned. */
    public Watcher watch(String... topics) {
        return watch(seen -> {}, topics);
    }

    /**
     * The same, and hands every record to {@code onRecord} as it arrives, on the watcher's thread:
     * for a test that plays another service and answers what it sees.
     */
    public Watcher watch(java.util.function.Consumer<Seen> onRecord, String... topics) {
        Watcher watcher = new Watcher(bootstrap, List.of(topics), onRecord);
        watchers.add(watcher);
        return watcher;
    }

    @Override
    public void close() {
        watchers.forEach(Watcher::close);
        producer.close(Duration.ofSeconds(5));
    }

    /** One record as seen by a watcher, its value parsed as JSON when it is JSON; {@code timestamp} is the record's (ms). */
    /** A record as a watcher saw it; {@code headers} by name (the last of each), as UTF-8. */
    public record Seen(
            String topic,
            int partition,
            long offset,
            String key,
            String value,
            JsonNode json,
            long timestamp,
            Map<String, String> headers) {}

    public static final class Watcher implements AutoCloseable {

        private final List<Seen> seen = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread poller;

        Watcher(String bootstrap, List<String> topics, java.util.function.Consumer<Seen> onRecord) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "forge-test-watcher-" + UUID.randomUUID());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // position() resolves the end offsets now, before the caller produces anything.
            partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
            poller = new Thread(
                    () -> {
                        try (consumer) {
                            while (running.get()) {
                                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                                    Map<String, String> headers = new java.util.HashMap<>();
                                    r.headers()
                                            .forEach(h -> headers.put(
                                                    h.key(),
                                                    h.value() == null
                                                            ? null
                                                            : new String(
                                                                    h.value(),
                                                                    java.nio.charset.StandardCharsets.UTF_8)));
                                    Seen record = new Seen(
                                            r.topic(),
                                            r.partition(),
                                            r.offset(),
                                            r.key(),
                                            r.value(),
                                            parse(r.value()),
                                            r.timestamp(),
                                            headers);
                                    seen.add(record);
                                    onRecord.accept(record);
                                }
                            }
                        }
                    },
                    "forge-test-watcher");
            poller.setDaemon(true);
            poller.start();
        }

        public List<Seen> all() {
            return List.copyOf(seen);
        }

        public List<Seen> matching(Predicate<Seen> predicate) {
            return seen.stream().filter(predicate).toList();
        }

        /** Waits until at least {@code count} records match, then returns all that match. */
        public List<Seen> await(Predicate<Seen> predicate, int count, Duration timeout) {
            Awaitility.await()
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> matching(predicate).size() >= count);
            return matching(predicate);
        }

        public Seen awaitOne(Predicate<Seen> predicate, Duration timeout) {
            return await(predicate, 1, timeout).get(0);
        }

        /** The first record with this key (a run's records are keyed by its run id). */
        public Seen awaitKey(String key, Duration timeout) {
            return awaitOne(seen -> key.equals(seen.key()), timeout);
        }

        @Override
        public void close() {
            running.set(false);
            try {
                poller.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static JsonNode parse(String value) {
            if (value == null) {
                return null;
            }
            try {
                return JSON.readTree(value);
            } catch (JsonProcessingException notJson) {
                return null;
            }
        }
    }
}
