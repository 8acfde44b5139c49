package dev.forgeci.scheduler.runs;

/** The scheduler is shutting down: the command was not applied and will be again after a restart. */
public final class SchedulerStoppedException extends IllegalStateException {

    public SchedulerStoppedException() {
        super("the scheduler is stopping");
    }
}
