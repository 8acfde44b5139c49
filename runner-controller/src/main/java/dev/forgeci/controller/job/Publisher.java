package dev.forgeci.controller.job;

import java.util.concurrent.CompletionStage;

import dev.forgeci.controller.events.ControllerHeartbeat;
import dev.forgeci.controller.events.JobEvent;
import dev.forgeci.controller.log.ChunkPublisher;

/** Where the controller's events go; each stage completes when the broker acknowledged the record. */
public interface Publisher extends ChunkPublisher {

    CompletionStage<Void> publish(JobEvent event);

    CompletionStage<Void> publish(ControllerHeartbeat heartbeat);
}
