package dev.forgeci.trigger.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.hash.HashCommands;
import io.quarkus.redis.datasource.keys.KeyCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * The schedules in Redis, shared by every replica: the entries by repository and file, how far each
 * cron has been looked at, and a claim per tick (set if absent), so a tick is fired by one replica
 * once; a tick's run id is derived from the tick too, so even a claim lost between firing and
 * recording starts no second run.
 */
@ApplicationScoped
public class ScheduleStore {

    private static final String ENTRIES = "forge:trigger:schedules";
    private static final String CHECKED = "forge:trigger:schedule-checked:";
    private static final String FIRED = "forge:trigger:schedule-fired:";
    private static final Duration CLAIM_RETENTION = Duration.ofDays(30);

    private final HashCommands<String, String, ScheduleEntry> entries;
    private final ValueCommands<String, String> values;
    private final KeyCommands<String> keys;

    public ScheduleStore(RedisDataSource redis) {
        this.entries = redis.hash(String.class, String.class, ScheduleEntry.class);
        this.values = redis.value(String.class);
        this.keys = redis.key(String.class);
    }

    public List<ScheduleEntry> all() {
        Map<String, ScheduleEntry> all = entries.hgetall(ENTRIES);
        return all == null ? List.of() : new ArrayList<>(all.values());
    }

    /** A push to the default branch: these are now the repository's schedules (files without one are dropped). */
    public void replace(String repositoryId, List<ScheduleEntry> current) {
        for (String field : entries.hkeys(ENTRIES)) {
            if (field.startsWith(repositoryId + " ")
                    && current.stream().noneMatch(e -> e.key().equals(field))) {
                entries.hdel(ENTRIES, field);
            }
        }
        for (ScheduleEntry entry : current) {
            ScheduleEntry known = entries.hget(ENTRIES, entry.key());
            // a schedule that stays keeps the time it was first seen, so an unchanged push skips no tick
            Instant since = known != null && known.crons().containsAll(entry.crons()) ? known.since() : entry.since();
            entries.hset(
                    ENTRIES,
                    entry.key(),
                    new ScheduleEntry(
                            entry.repositoryId(),
                            entry.repositoryName(),
                            entry.cloneUrl(),
                            entry.branch(),
                            entry.file(),
                            entry.crons(),
                            since));
        }
    }

    public void drop(ScheduleEntry entry) {
        entries.hdel(ENTRIES, entry.key());
    }

    /** Up to when this cron of the entry has been looked at; null when never. */
    public Instant checked(ScheduleEntry entry, String cron) {
        String value = values.get(CHECKED + entry.key() + " " + cron);
        return value == null ? null : Instant.parse(value);
    }

    public void checked(ScheduleEntry entry, String cron, Instant upTo) {
        values.set(CHECKED + entry.key() + " " + cron, upTo.toString());
    }

    /** True for the first caller of this tick, who fires it. */
    public boolean claim(ScheduleEntry entry, String cron, Instant tick, String runId) {
        return values.setAndChanged(
                FIRED + entry.key() + " " + cron + " " + tick,
                runId,
                new SetArgs().nx().ex(CLAIM_RETENTION));
    }

    /** Gives a tick back (its run could not be started), so the next round fires it. */
    public void release(ScheduleEntry entry, String cron, Instant tick) {
        keys.del(FIRED + entry.key() + " " + cron + " " + tick);
    }
}
