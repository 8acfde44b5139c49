package dev.forgeci.scheduler.events;

/** A record to publish, kept in the Redis outbox in the same transaction as the state change that caused it. */
public record OutboxMessage(String topic, String key, String value) {}
