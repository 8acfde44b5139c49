package dev.forgeci.trigger.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forgeci.language.action.ActionReference;
import dev.forgeci.trigger.config.ForgeConfig;

/**
 * Whether an action a workflow uses can be had, looked up as the runner-controller will fetch it:
 * the mirror's bare repository first, then each upstream, with {@code git ls-remote} (nothing is
 * downloaded). Only the lint asks; a run never waits for it. Every look is bounded in time and
 * runs git with none of this host's configuration, credentials or prompts.
 */
@ApplicationScoped
public class ActionLookup {

    private final Optional<Path> mirror;
    private final List<String> upstreams;
    private final Duration timeout;

    @Inject
    public ActionLookup(ForgeConfig config) {
        this(
                config.actions().mirror(),
                config.actions().upstreams(),
                config.actions().lookupTimeout());
    }

    public ActionLookup(Optional<Path> mirror, List<String> upstreams, Duration timeout) {
        this.mirror = mirror;
        this.upstreams = upstreams;
        this.timeout = timeout;
    }

    /** Why the action cannot be had (every source tried), or empty when a source has its ref. */
    public Optional<String> problem(ActionReference.Remote action) {
        List<String> tried = new ArrayList<>();
        if (mirror.isPresent()) {
            Path repository = action.in(mirror.get());
            if (!Files.isDirectory(repository)) {
                tried.add("the mirror (no " + action.repository() + ".git)");
            } else if (has(repository.toString(), action)) {
                return Optional.empty();
            } else {
                tried.add("the mirror (no " + action.ref() + ")");
            }
        }
        for (String upstream : upstreams) {
            String url = action.at(upstream);
            if (has(url, action)) {
                return Optional.empty();
            }
            tried.add(url);
        }
        return Optional.of("action " + action.display() + " could not be found: tried " + String.join(", ", tried)
                + "; a run that uses it fails when its job is set up");
    }

    /** The source answers and has the ref (a tag or branch by name; a full SHA is taken on trust from a source that answers). */
    private boolean has(String source, ActionReference.Remote action) {
        List<String> args = action.pinned()
                ? List.of("ls-remote", "--", source, "HEAD")
                : List.of(
                        "ls-remote",
                        "--exit-code",
                        "--",
                        source,
                        "refs/tags/" + action.ref(),
                        "refs/heads/" + action.ref());
        return git(args);
    }

    private boolean git(List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                "git",
                "-c",
                "protocol.allow=never",
                "-c",
                "protocol.file.allow=always",
                "-c",
                "protocol.http.allow=always",
                "-c",
                "protocol.https.allow=always",
                "-c",
                "credential.helper="));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("GIT_") || name.endsWith("_ASKPASS"));
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_TERMINAL_PROMPT", "0");
        Process process = null;
        try {
            process = builder.start();
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
