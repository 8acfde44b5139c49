package dev.forgeci.controller.job;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.forgeci.controller.runner.OwnedRunner;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.RunnerExit;
import dev.forgeci.controller.runner.RunnerOutput;
import dev.forgeci.controller.runner.RunnerSpec;

/**
 * A runner engine that plays back output as the agent would write it; {@code {M}} in a frame
 * stands for the job's marker prefix with its real nonce. Frames after {@link #holdUntilStopped()}
 * are played only once the controller stops the runner.
 */
final class ScriptedEngine implements RunnerEngine {

    private record Frame(RunnerOutput.Stream stream, String text, boolean afterStop) {
    }

    final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Frame> frames = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean afterStop;
    private RunnerExit exit = new RunnerExit(0, false);
    private RunnerException createFailure;
    volatile RunnerSpec spec;

    ScriptedEngine out(String text) {
        frames.add(new Frame(RunnerOutput.Stream.STDOUT, text, afterStop));
        return this;
    }

    ScriptedEngine err(String text) {
        frames.add(new Frame(RunnerOutput.Stream.STDERR, text, afterStop));
        return this;
    }

    /** A marker on both streams, as the agent writes it. */
    ScriptedEngine mark(String command) {
        return out("{M}" + command + "\n").err("{M}" + command + "\n");
    }

    ScriptedEngine holdUntilStopped() {
        afterStop = true;
        return this;
    }

    ScriptedEngine exit(int code, boolean oomKilled) {
        exit = new RunnerExit(code, oomKilled);
        return this;
    }

    ScriptedEngine failCreate(String reason) {
        createFailure = new RunnerException(reason, null);
        return this;
    }

    @Override
    public Runner create(RunnerSpec spec) {
        calls.add("create");
        this.spec = spec;
        if (createFailure != null) {
            throw createFailure;
        }
        return new Runner("container-1", spec.name());
    }

    @Override
    public CompletionStage<Void> start(Runner runner, RunnerOutput output) {
        calls.add("start");
        String marker = "##forge[" + new String(spec.files().get("forge/nonce").content(), StandardCharsets.UTF_8).strip() + "] ";
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Thread player = new Thread(() -> {
            try {
                for (Frame frame : frames) {
                    if (frame.afterStop() && !stopped.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never stopped");
                    }
                    byte[] bytes = frame.text().replace("{M}", marker).getBytes(StandardCharsets.UTF_8);
                    output.output(frame.stream(), bytes, 0, bytes.length);
                }
                ended.complete(null);
            } catch (InterruptedException | RuntimeException e) {
                ended.completeExceptionally(e);
            }
        });
        player.start();
        return ended;
    }

    @Override
    public RunnerExit awaitExit(Runner runner) {
        return exit;
    }

    @Override
    public void stop(Runner runner, Duration grace) {
        calls.add("stop");
        stopped.countDown();
    }

    @Override
    public void remove(Runner runner) {
        calls.add("remove");
    }

    @Override
    public List<OwnedRunner> owned(String controllerId) {
        return List.of();
    }
}
