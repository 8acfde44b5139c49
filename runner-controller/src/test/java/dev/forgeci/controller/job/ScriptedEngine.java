package dev.forgeci.controller.job;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.forgeci.controller.runner.Attachment;
import dev.forgeci.controller.runner.OwnedRunner;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.RunnerExit;
import dev.forgeci.controller.runner.RunnerOutput;
import dev.forgeci.controller.runner.RunnerSpec;

/**
 * A runner engine whose agent is a script: it plays the set-up's output, then answers the
 * controller's commands as the real agent would — {@code run N} plays step N's frames between its
 * markers, {@code hash} answers from a table, {@code exit} ends the output. {@code {M}} in a frame
 * stands for the job's marker prefix with its real nonce. A step's frames after
 * {@link StepScript#holdUntilStopped()} are played only once the controller stops the runner.
 */
final class ScriptedEngine implements RunnerEngine {

    private record Frame(RunnerOutput.Stream stream, String text, boolean afterStop) {}

    /** What one step does when it is run. */
    static final class StepScript {
        private final List<Frame> frames = new ArrayList<>();
        private final Map<String, byte[]> files = new HashMap<>();
        private boolean afterStop;
        private String end = "success 0";
        private boolean dies;

        StepScript out(String text) {
            frames.add(new Frame(RunnerOutput.Stream.STDOUT, text, afterStop));
            return this;
        }

        StepScript err(String text) {
            frames.add(new Frame(RunnerOutput.Stream.STDERR, text, afterStop));
            return this;
        }

        StepScript holdUntilStopped() {
            afterStop = true;
            return this;
        }

        /** How the step ends: e.g. {@code failure 2}, {@code failure 143 timeout}, {@code cancelled 143}. */
        StepScript end(String end) {
            this.end = end;
            return this;
        }

        /** A runtime file the step writes (output, env, path, summary, state). */
        StepScript file(String name, String content) {
            files.put(name, content.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** The runner goes away during the step: no end marker, the output ends. */
        StepScript dies() {
            dies = true;
            return this;
        }
    }

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final Map<String, byte[]> copiedIn = new ConcurrentHashMap<>();
    private final List<Frame> setup = new ArrayList<>();
    private int setupExit;
    /** By the key of the step's files: its index, or INDEX.N for a composite action's steps. */
    private final Map<String, StepScript> steps = new HashMap<>();

    private final Map<String, String> hashes = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private RunnerExit exit;
    private RunnerException createFailure;
    private volatile RunnerException pingFailure;
    private final AtomicInteger removeFailures = new AtomicInteger();
    volatile RunnerSpec spec;

    ScriptedEngine setupOut(String text) {
        setup.add(new Frame(RunnerOutput.Stream.STDOUT, text, false));
        return this;
    }

    ScriptedEngine setupExit(int code) {
        setupExit = code;
        return this;
    }

    StepScript step(int index) {
        return step(String.valueOf(index));
    }

    StepScript step(String key) {
        return steps.computeIfAbsent(key, i -> new StepScript());
    }

    ScriptedEngine hash(String patterns, String value) {
        hashes.put(patterns, value);
        return this;
    }

    /** The container's exit; by default the code the controller's {@code exit} command asked for. */
    ScriptedEngine exit(int code, boolean oomKilled) {
        exit = new RunnerExit(code, oomKilled);
        return this;
    }

    /** The next {@code times} removals fail, as with an engine that is restarting. */
    ScriptedEngine failRemove(int times) {
        removeFailures.set(times);
        return this;
    }

    /** From now on a ping fails with this reason; null: the engine answers again. */
    ScriptedEngine unanswering(String reason) {
        pingFailure = reason == null ? null : new RunnerException(reason, null);
        return this;
    }

    ScriptedEngine failCreate(String reason) {
        createFailure = new RunnerException(reason, null);
        return this;
    }

    /** The launch script the controller wrote for a step, as text. */
    String launch(int index) {
        return launch(String.valueOf(index));
    }

    String launch(String key) {
        byte[] file = copiedIn.get("forge/steps/" + key + "/launch");
        return file == null ? null : new String(file, StandardCharsets.UTF_8);
    }

    String script(int index) {
        return script(String.valueOf(index));
    }

    String script(String key) {
        byte[] file = copiedIn.get("forge/steps/" + key + "/run");
        return file == null ? null : new String(file, StandardCharsets.UTF_8);
    }

    /** What the controller asked to create. */
    RunnerSpec created() {
        return spec;
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
    public Attachment start(Runner runner, RunnerOutput output) {
        calls.add("start");
        String marker = "##forge["
                + new String(spec.files().get("forge/nonce").content(), StandardCharsets.UTF_8).strip() + "] ";
        CompletableFuture<Void> ended = new CompletableFuture<>();
        LinkedBlockingQueue<String> input = new LinkedBlockingQueue<>();
        Thread agent = new Thread(() -> {
            try {
                play(output, marker, setup);
                mark(output, marker, "setup-end " + setupExit);
                while (true) {
                    String line = input.take();
                    String[] words = line.split(" ");
                    if (words[0].equals("exit")) {
                        exit = exit != null ? exit : new RunnerExit(Integer.parseInt(words[1]), false);
                        break;
                    }
                    if (words[0].equals("init")) {
                        play(output, marker, step("init").frames);
                        mark(output, marker, "init-end " + step("init").end.split(" ")[1]);
                        continue;
                    }
                    if (words[0].equals("hash")) {
                        String patterns =
                                new String(java.util.Base64.getDecoder().decode(words[2]), StandardCharsets.UTF_8);
                        mark(output, marker, "hash " + words[1] + " " + hashes.getOrDefault(patterns, ""));
                        continue;
                    }
                    int index = Integer.parseInt(words[1]);
                    StepScript script = steps.getOrDefault(words.length > 3 ? words[3] : words[1], new StepScript());
                    mark(output, marker, "step-start " + index);
                    play(output, marker, script.frames);
                    if (script.afterStop && !stopped.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never stopped");
                    }
                    if (script.dies) {
                        exit = exit != null ? exit : new RunnerExit(137, false);
                        break;
                    }
                    String flags = script.files.isEmpty() ? "-" : "o";
                    mark(output, marker, "step-end " + index + " " + script.end + " files=" + flags);
                }
                ended.complete(null);
            } catch (InterruptedException | RuntimeException e) {
                ended.completeExceptionally(e);
            }
        });
        agent.start();
        return Attachment.of(ended, line -> {
            commands.add(line);
            input.add(line);
        });
    }

    private void play(RunnerOutput output, String marker, List<Frame> frames) throws InterruptedException {
        for (Frame frame : frames) {
            if (frame.afterStop() && !stopped.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never stopped");
            }
            byte[] bytes = frame.text().replace("{M}", marker).getBytes(StandardCharsets.UTF_8);
            output.output(frame.stream(), bytes, 0, bytes.length);
        }
    }

    private static void mark(RunnerOutput output, String marker, String command) {
        byte[] bytes = (marker + command + "\n").getBytes(StandardCharsets.UTF_8);
        output.output(RunnerOutput.Stream.STDOUT, bytes, 0, bytes.length);
        output.output(RunnerOutput.Stream.STDERR, bytes, 0, bytes.length);
    }

    @Override
    public void copyIn(Runner runner, Map<String, RunnerSpec.RunnerFile> files) {
        files.forEach((path, file) -> copiedIn.put(path, file.content()));
    }

    @Override
    public Map<String, byte[]> copyOut(Runner runner, String directory, long maxBytes) {
        return steps.getOrDefault(directory.substring(directory.lastIndexOf('/') + 1), new StepScript()).files;
    }

    @Override
    public RunnerExit awaitExit(Runner runner) {
        return exit == null ? new RunnerExit(0, false) : exit;
    }

    @Override
    public void stop(Runner runner, Duration grace) {
        calls.add("stop");
        stopped.countDown();
    }

    @Override
    public void remove(Runner runner) {
        calls.add("remove");
        if (removeFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            throw new RunnerException("Docker daemon unreachable or failing: Connection refused", null);
        }
    }

    @Override
    public List<OwnedRunner> owned(String controllerId) {
        return List.of();
    }

    @Override
    public void ping() {
        RunnerException failure = pingFailure;
        if (failure != null) {
            throw failure;
        }
    }
}
