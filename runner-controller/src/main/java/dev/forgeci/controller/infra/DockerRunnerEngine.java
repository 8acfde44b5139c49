package dev.forgeci.controller.infra;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerMount;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.controller.events.JobKey;
import dev.forgeci.controller.runner.Attachment;
import dev.forgeci.controller.runner.OwnedRunner;
import dev.forgeci.controller.runner.Runner;
import dev.forgeci.controller.runner.RunnerEngine;
import dev.forgeci.controller.runner.RunnerException;
import dev.forgeci.controller.runner.RunnerExit;
import dev.forgeci.controller.runner.RunnerLabels;
import dev.forgeci.controller.runner.RunnerOutput;
import dev.forgeci.controller.runner.RunnerSpec;
import io.quarkus.logging.Log;

/**
 * Runner containers through docker-java: create (pulling a missing image once), attach, copy files in
 * and out, stop, remove and find what this controller left. What a container is made of is
 * {@link RunnerContainerSpec}'s.
 */
@ApplicationScoped
public class DockerRunnerEngine implements RunnerEngine {

    private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(30);
    /** A runner image is large (an engine inside); a first pull on a slow link may take minutes. */
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

    private static final Pattern DAEMON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final DockerClient docker;
    private final RunnerContainerSpec.Profile profile;
    /** Every call but what a job holds open while it runs (its attached output, its wait, a pull). */
    private final EngineCalls calls;

    @Inject
    public DockerRunnerEngine(DockerClient docker, ControllerConfig config) {
        this(
                docker,
                RunnerContainerSpec.Profile.from(config.runner()),
                config.docker().callTimeout());
    }

    DockerRunnerEngine(DockerClient docker, RunnerContainerSpec.Profile profile, Duration callTimeout) {
        this.docker = docker;
        this.profile = profile;
        this.calls = new EngineCalls(callTimeout);
    }

    @PreDestroy
    void close() {
        calls.shutdown();
    }

    @Override
    public Runner create(RunnerSpec spec) {
        Runner created = new Runner(null, spec.name());
        try {
            String id;
            try {
                id = calls.within("creating the runner", () -> createContainer(spec));
            } catch (NotFoundException noImage) {
                // A new engine (a fresh DinD sidecar) has no runner image yet: the API, unlike the CLI, does not pull.
                pullImage();
                id = calls.within("creating the runner", () -> createContainer(spec));
            }
            created = new Runner(id, spec.name());
            copyIn(created, spec.files());
            return created;
        } catch (RuntimeException e) {
            removeQuietly(created);
            throw failure(e);
        }
    }

    private String createContainer(RunnerSpec spec) {
        // The volume comes with the container (labelled through the mount): one call less before the job starts.
        return docker.createContainerCmd(profile.image())
                .withName(spec.name())
                .withLabels(spec.labels())
                .withEnv(RunnerContainerSpec.env(spec))
                .withTty(false)
                // The agent's commands arrive on stdin; it closes when the controller's attachment does,
                // so a runner whose controller is gone ends instead of waiting forever.
                .withStdinOpen(true)
                .withStdInOnce(true)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withHostConfig(RunnerContainerSpec.hostConfig(profile, spec.name(), spec.labels()))
                .exec()
                .getId();
    }

    /** One pull at a time: jobs that find the image missing together wait for the same pull. */
    private synchronized void pullImage() {
        try {
            docker.inspectImageCmd(profile.image()).exec();
            return;
        } catch (NotFoundException stillMissing) {
            Log.infof("runner image %s is not on the engine; pulling it", profile.image());
        }
        try {
            if (!docker.pullImageCmd(profile.image())
                    .start()
                    .awaitCompletion(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new RunnerException(
                        "runner image " + profile.image() + " is not on the engine and its pull took longer than "
                                + PULL_TIMEOUT.toMinutes() + " minutes",
                        null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunnerException("interrupted while pulling runner image " + profile.image(), e);
        } catch (RuntimeException e) {
            throw new RunnerException(
                    "runner image " + profile.image() + " is not on the engine and could not be pulled: " + reason(e),
                    e);
        }
    }

    @Override
    public Attachment start(Runner runner, RunnerOutput output) {
        CompletableFuture<Void> attached = new CompletableFuture<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        CommandInput commands = new CommandInput();
        ResultCallback.Adapter<Frame> stream = new ResultCallback.Adapter<>() {
            @Override
            public void onStart(Closeable closeable) {
                super.onStart(closeable);
                attached.complete(null);
            }

            @Override
            public void onNext(Frame frame) {
                byte[] payload = frame.getPayload();
                output.output(
                        frame.getStreamType() == StreamType.STDERR
                                ? RunnerOutput.Stream.STDERR
                                : RunnerOutput.Stream.STDOUT,
                        payload,
                        0,
                        payload.length);
            }

            @Override
            public void onError(Throwable error) {
                attached.completeExceptionally(error);
                ended.completeExceptionally(error);
                commands.close();
                super.onError(error);
            }

            @Override
            public void onComplete() {
                ended.complete(null);
                commands.close();
                super.onComplete();
            }
        };
        try {
            // Attached before the start, so not even the first byte is missed.
            docker.attachContainerCmd(runner.containerId())
                    .withStdIn(commands)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withFollowStream(true)
                    .withLogs(false)
                    .exec(stream);
            attached.get(ATTACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            calls.run(
                    "starting the runner",
                    () -> docker.startContainerCmd(runner.containerId()).exec());
            return Attachment.of(ended, commands::send);
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            commands.close();
            closeQuietly(stream);
            throw new RunnerException(reason(e instanceof ExecutionException ? e.getCause() : e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            commands.close();
            closeQuietly(stream);
            throw new RunnerException("interrupted while starting the runner", e);
        }
    }

    @Override
    public void copyIn(Runner runner, Map<String, RunnerSpec.RunnerFile> files) {
        try {
            calls.run(
                    "copying files into the runner",
                    () -> docker.copyArchiveToContainerCmd(runner.containerId())
                            .withTarInputStream(new ByteArrayInputStream(RunnerContainerSpec.tar(files)))
                            .withRemotePath("/")
                            .exec());
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public Map<String, byte[]> copyOut(Runner runner, String directory, long maxBytes) {
        return calls.within("reading " + directory + " from the runner", () -> readOut(runner, directory, maxBytes));
    }

    private Map<String, byte[]> readOut(Runner runner, String directory, long maxBytes) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream archive = docker.copyArchiveFromContainerCmd(runner.containerId(), directory)
                        .exec();
                TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            long total = 0;
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                // the archive is rooted at the directory's own name: <dir>/<file>; deeper entries and links are not
                // ours
                String[] parts = entry.getName().split("/");
                if (!entry.isFile() || parts.length != 2) {
                    continue;
                }
                total += entry.getSize();
                if (total > maxBytes) {
                    throw new RunnerException(
                            "the files in " + directory + " are larger than " + maxBytes / 1024 + " KiB", null);
                }
                files.put(parts[1], tar.readNBytes((int) entry.getSize()));
            }
            return files;
        } catch (NotFoundException gone) {
            return files;
        } catch (IOException e) {
            throw new RunnerException("reading " + directory + " from the runner failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public RunnerExit awaitExit(Runner runner) {
        try {
            docker.waitContainerCmd(runner.containerId()).start().awaitStatusCode();
            InspectContainerResponse.ContainerState state = calls.within(
                    "reading the runner's exit",
                    () -> docker.inspectContainerCmd(runner.containerId())
                            .exec()
                            .getState());
            return new RunnerExit(
                    state.getExitCodeLong() == null
                            ? -1
                            : state.getExitCodeLong().intValue(),
                    Boolean.TRUE.equals(state.getOOMKilled()));
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public void stop(Runner runner, Duration grace) {
        try {
            calls.within(
                    grace,
                    "stopping the runner",
                    () -> docker.stopContainerCmd(runner.containerId())
                            .withTimeout((int) Math.max(1, grace.toSeconds()))
                            .exec());
        } catch (NotModifiedException | NotFoundException alreadyStopped) {
            // stopped or removed meanwhile: what was asked for
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public void remove(Runner runner) {
        try {
            if (runner.containerId() != null) {
                try {
                    calls.run(
                            "removing the runner",
                            () -> docker.removeContainerCmd(runner.containerId())
                                    .withForce(true)
                                    .withRemoveVolumes(true)
                                    .exec());
                } catch (NotFoundException alreadyGone) {
                    // removed meanwhile
                }
            }
            if (runner.volume() != null) {
                try {
                    calls.run(
                            "removing the runner's volume",
                            () -> docker.removeVolumeCmd(runner.volume()).exec());
                } catch (NotFoundException alreadyGone) {
                    // removed meanwhile
                }
            }
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public List<OwnedRunner> owned(String controllerId) {
        return calls.within("listing this controller's runners", () -> listOwned(controllerId));
    }

    private List<OwnedRunner> listOwned(String controllerId) {
        try {
            List<OwnedRunner> owned = new ArrayList<>();
            Set<String> volumesInUse = new HashSet<>();
            List<Container> containers = docker.listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(RunnerLabels.CONTROLLER_ID, controllerId))
                    .exec();
            for (Container container : containers) {
                String volume = container.getMounts() == null
                        ? null
                        : container.getMounts().stream()
                                .filter(mount -> RunnerContainerSpec.DOCKER_DATA.equals(mount.getDestination()))
                                .map(ContainerMount::getName)
                                .findFirst()
                                .orElse(null);
                if (volume != null) {
                    volumesInUse.add(volume);
                }
                owned.add(new OwnedRunner(
                        container.getId(),
                        volume,
                        job(container.getLabels()),
                        Instant.ofEpochSecond(container.getCreated() == null ? 0 : container.getCreated())));
            }
            List<InspectVolumeResponse> volumes = docker.listVolumesCmd()
                    .withFilter("label", List.of(RunnerLabels.CONTROLLER_ID + "=" + controllerId))
                    .exec()
                    .getVolumes();
            for (InspectVolumeResponse volume : volumes == null ? List.<InspectVolumeResponse>of() : volumes) {
                if (!volumesInUse.contains(volume.getName())) {
                    owned.add(new OwnedRunner(null, volume.getName(), job(volume.getLabels()), null));
                }
            }
            return owned;
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    @Override
    public void ping() {
        try {
            calls.run("a ping", () -> docker.pingCmd().exec());
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    private static JobKey job(Map<String, String> labels) {
        if (labels == null) {
            return null;
        }
        String runId = labels.get(RunnerLabels.RUN_ID);
        String jobId = labels.get(RunnerLabels.JOB_ID);
        String attempt = labels.get(RunnerLabels.ATTEMPT);
        if (runId == null || jobId == null || attempt == null || !attempt.matches("\\d{1,9}")) {
            return null;
        }
        return new JobKey(runId, jobId, Integer.parseInt(attempt));
    }

    /** {@code e} as the port reports it: a {@link RunnerException} as it is, anything else in the daemon's words. */
    private static RunnerException failure(RuntimeException e) {
        return e instanceof RunnerException known ? known : new RunnerException(reason(e), e);
    }

    /** The daemon's own words where there are some (e.g. "No such image: …"), else the client's. */
    static String reason(Throwable error) {
        if (error instanceof DockerException docker) {
            Matcher message = DAEMON_MESSAGE.matcher(String.valueOf(docker.getMessage()));
            if (message.find()) {
                return message.group(1)
                        .replace("\\\"", "\"")
                        .replace("\\n", " ")
                        .strip();
            }
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == error ? text : "Docker daemon unreachable or failing: " + text;
    }

    private void removeQuietly(Runner runner) {
        try {
            remove(runner);
        } catch (RuntimeException ignored) {
            // the next start of the controller removes it
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // the stream is being abandoned
        }
    }
}
