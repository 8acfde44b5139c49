package dev.forgeci.controller.log;

import java.time.Duration;

import dev.forgeci.controller.config.ControllerConfig;

/** How a job's log is cut, batched and capped. */
public record LogLimits(
        int maxLineBytes, long maxJobBytes, int batchBytes, Duration batchInterval, int maxUnacknowledgedChunks) {

    public static LogLimits from(ControllerConfig.Log log) {
        return new LogLimits(
                (int) log.maxLineBytes().asLongValue(),
                log.maxJobBytes().asLongValue(),
                (int) log.batchBytes().asLongValue(),
                log.batchInterval(),
                log.maxUnacknowledgedChunks());
    }
}
