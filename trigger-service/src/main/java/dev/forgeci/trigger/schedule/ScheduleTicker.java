package dev.forgeci.trigger.schedule;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.run.RunStarter;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.run.TriggerRequest;
import dev.forgeci.trigger.run.Ulid;
import dev.forgeci.trigger.workflow.Cron;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Fires {@code on.schedule} (UTC, whole minutes): every few seconds each cron of each registered
 * workflow is looked at from where it was last looked at; each tick due is claimed, then run on the
 * default branch's latest commit, as on GitHub. A restart fires the ticks it missed within the
 * catch-up window; older ones are skipped, and the log and {@code forge_schedule_ticks_skipped_total}
 * say so. A tick is never fired twice: one claim per tick, and a run id derived from the tick.
 */
@ApplicationScoped
public class ScheduleTicker {

    private final ScheduleStore store;
    private final RunStarter starter;
    private final ForgeConfig.Schedule config;
    private final Counter skipped;
    private final Counter fired;

    public ScheduleTicker(ScheduleStore store, RunStarter starter, ForgeConfig config, MeterRegistry metrics) {
        this.store = store;
        this.starter = starter;
        this.config = config.schedule();
        this.skipped = metrics.counter("forge.schedule.ticks.skipped");
        this.fired = metrics.counter("forge.schedule.ticks.fired");
    }

    @Scheduled(
            every = "${forge.schedule.tick}",
            delayed = "${forge.schedule.tick}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            fire(Instant.now());
        } catch (RuntimeException e) {
            Log.warnf("schedules could not be looked at (%s); trying again in a moment", e.getMessage());
        }
    }

    /** Fires every tick due up to {@code now}; returns how many runs it started. */
    public int fire(Instant now) {
        int started = 0;
        for (ScheduleEntry entry : store.all()) {
            for (String expression : entry.crons()) {
                started += fire(entry, expression, now);
            }
        }
        return started;
    }

    private int fire(ScheduleEntry entry, String expression, Instant now) {
        Cron cron;
        try {
            cron = Cron.parse(expression);
        } catch (Cron.CronException e) {
            return 0;
        }
        Instant checked = store.checked(entry, expression);
        Instant from = checked != null ? checked : entry.since();
        Instant window = now.minus(config.catchUp()).truncatedTo(ChronoUnit.MINUTES);
        if (from.isBefore(window)) {
            int missed = cron.ticks(from, window, 100_000).size();
            if (missed > 0) {
                skipped.increment(missed);
                Log.warnf(
                        "schedule `%s` of %s in %s: %d tick(s) before %s were missed (older than the catch-up window of %s) and "
                                + "are not fired",
                        expression, entry.file(), entry.repositoryId(), missed, window, config.catchUp());
            }
            from = window;
        }
        int started = 0;
        Instant upTo = from;
        for (Instant tick : cron.ticks(from, now, config.maxTicksPerRound())) {
            String runId = Ulid.derived(tick.toEpochMilli(), entry.key() + " " + expression + " " + tick);
            if (store.claim(entry, expression, tick, runId)) {
                try {
                    if (run(entry, expression, tick, runId)) {
                        started++;
                    }
                } catch (TriggerRejected e) {
                    if (transientFailure(e)) {
                        store.release(entry, expression, tick);
                        Log.warnf(
                                "schedule `%s` of %s in %s: the tick of %s could not start (%s); it is fired again next round",
                                expression, entry.file(), entry.repositoryId(), tick, e.getMessage());
                        break;
                    }
                    Log.warnf(
                            "schedule `%s` of %s in %s: the tick of %s does not run: %s",
                            expression, entry.file(), entry.repositoryId(), tick, e.getMessage());
                }
            }
            upTo = tick;
        }
        store.checked(entry, expression, upTo.isAfter(from) ? upTo : from);
        return started;
    }

    private boolean run(ScheduleEntry entry, String expression, Instant tick, String runId) {
        TriggerRequest request = new TriggerRequest(
                TriggerRequest.Kind.SCHEDULE,
                "schedule",
                true,
                runId,
                null,
                null,
                null,
                null,
                entry.repositoryId(),
                entry.repositoryName(),
                entry.cloneUrl(),
                null,
                "refs/heads/" + entry.branch(),
                entry.branch(),
                null,
                new TriggerRequest.Event(
                        null, null, null, null, null, null, null, null, entry.file(), expression, runId));
        boolean started = starter.start(request).started();
        if (started) {
            fired.increment();
            Log.infof(
                    "run %s: schedule `%s` of %s in %s fired for %s",
                    runId, expression, entry.file(), entry.repositoryId(), tick);
        } else {
            Log.infof(
                    "schedule `%s` of %s in %s: the default branch no longer has it; dropped",
                    expression, entry.file(), entry.repositoryId());
            store.drop(entry);
        }
        return started;
    }

    private static boolean transientFailure(TriggerRejected e) {
        return switch (e.reason()) {
            case KAFKA_UNAVAILABLE, STORE_UNAVAILABLE, SEED_UNREACHABLE -> true;
            default -> false;
        };
    }
}
