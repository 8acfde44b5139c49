package dev.forgeci.controller.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import dev.forgeci.controller.actions.ActionSource;
import dev.forgeci.controller.actions.ActionUnavailableException;
import dev.forgeci.controller.actions.FetchedAction;
import dev.forgeci.controller.config.ControllerConfig;
import dev.forgeci.language.action.ActionReference;
import io.quarkus.logging.Log;

/**
 * Actions fetched with git: from the mirror's bare repository {@code <mirror>/<owner>/<repo>.git}
 * first, then from each upstream's {@code <upstream>/<owner>/<repo>}, one commit deep, into a bare
 * repository of this controller's cache; the commit's tree is then extracted once into
 * {@code <cache>/trees/<owner>/<repo>/<sha>} and shared by every job that uses it. A full SHA already
 * extracted is not fetched again. Every value reaches git as an argument of its own, after the
 * reference's checks; git never prompts, and every command has a time limit.
 */
@ApplicationScoped
public class GitActionSource implements ActionSource {

    private final Optional<Path> mirror;
    private final List<String> upstreams;
    private final Path cache;
    private final Duration timeout;
    private final long maxBytes;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    @Inject
    public GitActionSource(ControllerConfig config) {
        this(
                config.actions().mirror(),
                config.actions().upstreams(),
                config.actions().cache().orElse(Path.of(System.getProperty("java.io.tmpdir"), "forge-actions")),
                config.actions().fetchTimeout(),
                config.actions().maxBytes().asLongValue());
    }

    public GitActionSource(Optional<Path> mirror, List<String> upstreams, Path cache, Duration timeout, long maxBytes) {
        this.mirror = mirror;
        this.upstreams = upstreams;
        this.cache = cache.toAbsolutePath();
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    @Override
    public FetchedAction fetch(ActionReference.Remote action) {
        synchronized (locks.computeIfAbsent(action.repository(), key -> new Object())) {
            if (action.pinned() && Files.isDirectory(tree(action, action.ref()))) {
                return new FetchedAction(action, action.ref(), tree(action, action.ref()));
            }
            Path bare = cache.resolve("repos").resolve(action.owner()).resolve(action.repo() + ".git");
            List<String> tried = new ArrayList<>();
            for (String source : sources(action, tried)) {
                try {
                    String sha = fetch(bare, source, action.ref());
                    return new FetchedAction(action, sha, extract(bare, action, sha));
                } catch (SourceMiss miss) {
                    tried.add(source + " (" + miss.getMessage() + ")");
                }
            }
            throw new ActionUnavailableException(
                    "action " + action.display() + " could not be fetched: tried " + String.join(", ", tried));
        }
    }

    private List<String> sources(ActionReference.Remote action, List<String> tried) {
        List<String> sources = new ArrayList<>();
        mirror.ifPresent(dir -> {
            Path repository = action.in(dir);
            if (Files.isDirectory(repository)) {
                sources.add(repository.toAbsolutePath().toString());
            } else {
                tried.add("the mirror " + dir + " (no " + action.repository() + ".git)");
            }
        });
        for (String upstream : upstreams) {
            sources.add(action.at(upstream));
        }
        return sources;
    }

    /** Fetches the ref (a tag, a branch or a commit) one commit deep; the commit it names. */
    private String fetch(Path bare, String source, String ref) {
        if (!Files.isDirectory(bare)) {
            try {
                Files.createDirectories(bare.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            git(null, "init", "-q", "--bare", bare.toString());
        }
        // a name is resolved by the source (tags, then branches, as git does); a SHA is asked for by id
        git(bare, "fetch", "-q", "--no-tags", "--depth=1", "--", source, ref);
        return git(bare, "rev-parse", "--verify", "FETCH_HEAD^{commit}").strip();
    }

    /** The commit's tree in the cache, extracted once (to a temporary directory, then moved in place whole). */
    private Path extract(Path bare, ActionReference.Remote action, String sha) {
        Path tree = tree(action, sha);
        if (Files.isDirectory(tree)) {
            return tree;
        }
        Path partial = tree.resolveSibling(".partial-" + UUID.randomUUID());
        ProcessBuilder builder = command(bare, "archive", "--format=tar", sha);
        try {
            Files.createDirectories(partial);
            Process process =
                    builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (InputStream archive = process.getInputStream();
                    TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
                long total = 0;
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    Path target = partial.resolve(entry.getName()).normalize();
                    if (!target.startsWith(partial)) {
                        continue;
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isFile()) {
                        total += entry.getSize();
                        if (total > maxBytes) {
                            throw new ActionUnavailableException(
                                    "action " + action.display() + " is larger than " + (maxBytes >> 20) + " MiB");
                        }
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target);
                        Files.setPosixFilePermissions(target, (entry.getMode() & 0100) != 0 ? EXECUTABLE : READABLE);
                    }
                    // symbolic links are left out: a job's files are copied in as regular files only
                }
                // the archive's padding: git exits once all of it is read
                archive.transferTo(java.io.OutputStream.nullOutputStream());
            } finally {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            }
            if (process.isAlive() || process.exitValue() != 0) {
                throw new ActionUnavailableException(
                        "action " + action.display() + ": git archive of " + sha + " failed");
            }
            try {
                Files.move(partial, tree, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                delete(partial);
            }
            return tree;
        } catch (IOException e) {
            delete(partial);
            throw new ActionUnavailableException(
                    "action " + action.display() + " could not be written to " + cache + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delete(partial);
            throw new ActionUnavailableException("action " + action.display() + ": interrupted");
        } catch (RuntimeException e) {
            delete(partial);
            throw e;
        }
    }

    private static final Set<PosixFilePermission> READABLE = EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);
    private static final Set<PosixFilePermission> EXECUTABLE = EnumSet.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_EXECUTE);

    private Path tree(ActionReference.Remote action, String sha) {
        return cache.resolve("trees")
                .resolve(action.owner())
                .resolve(action.repo())
                .resolve(sha);
    }

    /**
     * Runs git; its output, or a {@link SourceMiss} with git's last line of complaint. Bounded in
     * time (the fetch timeout) and, when it writes into a repository, in what that repository may
     * grow by while it runs ({@code maxBytes}): a source cannot make the controller download without end.
     */
    private String git(Path gitDir, String... args) {
        Path output = null;
        Process process = null;
        try {
            Files.createDirectories(cache);
            output = Files.createTempFile(cache, "git-", ".out");
            process = command(gitDir, args)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            long deadline = System.nanoTime() + timeout.toNanos();
            long before = gitDir == null ? 0 : size(gitDir);
            for (int polls = 1; !process.waitFor(50, TimeUnit.MILLISECONDS); polls++) {
                if (System.nanoTime() > deadline) {
                    throw new SourceMiss("no answer in " + timeout.toSeconds() + " s");
                }
                if (gitDir != null && polls % 10 == 0 && size(gitDir) - before > maxBytes) {
                    throw new ActionUnavailableException(
                            "fetching into " + gitDir.getFileName() + " went past " + (maxBytes >> 20) + " MiB");
                }
            }
            String text;
            try (InputStream stream = Files.newInputStream(output)) {
                text = new String(stream.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            if (process.exitValue() != 0) {
                Log.debugf("git %s failed: %s", String.join(" ", args), text);
                throw new SourceMiss(text.lines()
                        .filter(line -> !line.isBlank())
                        .reduce((first, last) -> last)
                        .orElse("git failed")
                        .replaceFirst("^fatal: ", ""));
            }
            return text;
        } catch (IOException e) {
            throw new ActionUnavailableException("git could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionUnavailableException("interrupted while fetching an action");
        } finally {
            if (process != null && process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /**
     * git with nothing of this host's git configuration, no credentials, no hooks, no prompt, and
     * only the transports actions come by (a mirror's path, http and https).
     */
    private ProcessBuilder command(Path gitDir, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "git",
                "-c",
                "protocol.version=2",
                "-c",
                "protocol.allow=never",
                "-c",
                "protocol.file.allow=always",
                "-c",
                "protocol.http.allow=always",
                "-c",
                "protocol.https.allow=always",
                "-c",
                "credential.helper=",
                "-c",
                "core.hooksPath=/dev/null"));
        if (gitDir != null) {
            command.add("--git-dir=" + gitDir);
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("GIT_") || name.endsWith("_ASKPASS"));
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("LC_ALL", "C");
        return builder;
    }

    private static long size(Path directory) {
        try (var paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile)
                    .mapToLong(path -> path.toFile().length())
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static void delete(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a partial tree left behind is never used: only a complete one is moved into place
        }
    }

    /** This source does not have the action (or does not answer); the next one is tried. */
    private static final class SourceMiss extends RuntimeException {
        SourceMiss(String message) {
            super(message, null, false, false);
        }
    }
}
