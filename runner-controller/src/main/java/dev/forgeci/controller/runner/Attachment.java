package dev.forgeci.controller.runner;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A started runner as the controller holds it: its output's end, and its agent's stdin, where commands go. */
public interface Attachment {

    /** Completes when both output streams have ended (the container exited). */
    CompletionStage<Void> ended();

    /** Writes one command line to the agent; ignored once the runner's input is closed. */
    void send(String line);

    static Attachment of(CompletionStage<Void> ended, Consumer<String> send) {
        return new Attachment() {
            @Override
            public CompletionStage<Void> ended() {
                return ended;
            }

            @Override
            public void send(String line) {
                send.accept(line);
            }
        };
    }
}
