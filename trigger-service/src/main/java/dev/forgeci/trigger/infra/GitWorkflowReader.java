package dev.forgeci.trigger.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.run.TriggerRejected;
import dev.forgeci.trigger.run.TriggerRejected.Reason;
import dev.forgeci.trigger.workflow.WorkflowCompiler;
import io.quarkus.logging.Log;

/**
 * Reads the workflow files — {@code .forge/workflows/*.y{a,}ml} and {@code .github/workflows/*.y{a,}ml}
 * — at one commit from a seed's smart-HTTP gateway, and the paths a change touched. git runs as a process with an argument list (never through a shell) in a private
 * temporary directory, limited in time ({@code forge.git.timeout}, all processes together) and in
 * what it may store ({@code forge.git.max-bytes}). The fetch is shallow and, where the seed
 * supports it, blob-less: only the workflow files' contents are downloaded. A seed that refuses to
 * serve a commit by id is asked for the ref instead, deepened until the commit appears.
 */
@ApplicationScoped
public class GitWorkflowReader {

    /** Where workflow files are read from, Forge's own folder first. */
    public static final List<String> DIRECTORIES = List.of(".forge/workflows/", ".github/workflows/");

    private final ForgeConfig.Git config;
    private final AtomicInteger outputs = new AtomicInteger();

    @Inject
    public GitWorkflowReader(ForgeConfig config) {
        this(config.git());
    }

    GitWorkflowReader(ForgeConfig.Git config) {
        this.config = config;
    }

    /** One workflow file; {@code text} is null when the file is larger than a workflow may be. */
    public record WorkflowFile(String path, String text, long size) {}

    /** The resolved commit and its workflow files, sorted by path. */
    public record Snapshot(String commit, List<WorkflowFile> files) {}

    /**
     * Fetches {@code commit} (or, when it is null, the tip of {@code ref}) from {@code cloneUrl} and
     * reads its workflow files. Callers validated all three.
     */
    public Snapshot read(String cloneUrl, String commit, String ref) {
        return read(cloneUrl, commit, ref, false);
    }

    /** The same from a bare repository on this host (the action mirror an operator fills): git's file transport is allowed for it alone. */
    public Snapshot readLocal(Path repository, String commit, String ref) {
        return read(repository.toAbsolutePath().toString(), commit, ref, true);
    }

    private Snapshot read(String cloneUrl, String commit, String ref, boolean local) {
        return withScratch(cloneUrl, local, session -> {
            Path repo = bareRepository(session, cloneUrl);
            String fetched = fetch(session, repo, cloneUrl, commit, ref);
            return new Snapshot(fetched, workflowFiles(session, repo, cloneUrl, fetched));
        });
    }

    /**
     * The paths that differ between two commits ({@code git diff-tree}, trees only: blob-less), in
     * git's order, at most {@code limit} of them; null when {@code from} cannot be fetched (e.g. a
     * force-push dropped it), since then nobody can tell what changed.
     */
    public List<String> changedFiles(String cloneUrl, String from, String to, int limit) {
        return withScratch(cloneUrl, session -> {
            Path repo = bareRepository(session, cloneUrl);
            for (String commit : List.of(to, from)) {
                if (!session.run(
                                repo,
                                List.of(
                                        "fetch",
                                        "--quiet",
                                        "--no-tags",
                                        "--depth=1",
                                        "--filter=blob:none",
                                        "origin",
                                        commit),
                                null)
                        .ok()) {
                    return null;
                }
            }
            Result diff = session.run(
                    repo, List.of("diff-tree", "-r", "-z", "--name-only", "--no-commit-id", from, to), null);
            if (!diff.ok()) {
                return null;
            }
            List<String> files = new ArrayList<>();
            for (String path : diff.text().split("\0")) {
                if (!path.isEmpty() && files.size() < limit) {
                    files.add(path);
                }
            }
            return files;
        });
    }

    /** The commit {@code ref} points at on the seed, asked with {@code git ls-remote}. */
    public String resolve(String cloneUrl, String ref) {
        return withScratch(cloneUrl, session -> {
            Result result = session.run(session.scratch, List.of("ls-remote", cloneUrl, ref), null)
                    .orFail("ref " + ref, cloneUrl);
            return result.text()
                    .lines()
                    .map(line -> line.split("\t"))
                    .filter(parts -> parts.length == 2 && parts[1].equals(ref))
                    .map(parts -> parts[0])
                    .findFirst()
                    .orElseThrow(() ->
                            new TriggerRejected(Reason.NOT_FOUND, "ref " + ref + " was not found at " + cloneUrl));
        });
    }

    /** An empty bare repository whose origin is the seed, a promisor: blobs a blob-less fetch left out come on demand. */
    private static Path bareRepository(Session session, String cloneUrl) throws IOException {
        Path repo = session.scratch.resolve("repo.git");
        session.run(session.scratch, List.of("init", "--bare", "--quiet", repo.toString()), null)
                .orFail("init", cloneUrl);
        Files.writeString(
                repo.resolve("config"),
                "[remote \"origin\"]\n\turl = \"" + cloneUrl
                        + "\"\n\tpromisor = true\n\tpartialclonefilter = blob:none\n",
                StandardOpenOption.APPEND);
        return repo;
    }

    private String fetch(Session session, Path repo, String cloneUrl, String commit, String ref) {
        String target = commit != null ? commit : ref;
        Result first = session.run(
                repo,
                List.of("fetch", "--quiet", "--no-tags", "--depth=1", "--filter=blob:none", "origin", target),
                null);
        if (first.ok()) {
            // A commit fetched by id is there (ls-tree would fail on anything else); a ref is resolved.
            return commit != null
                    ? commit
                    : session.run(repo, List.of("rev-parse", "--verify", "--quiet", "FETCH_HEAD^{commit}"), null)
                            .orFail("ref " + ref, cloneUrl)
                            .text()
                            .strip();
        }
        if (commit == null || ref == null || !refusedById(first.stderr())) {
            throw first.failure(commit != null ? "commit " + commit : "ref " + ref, cloneUrl);
        }
        Log.debugf("%s refused commit %s by id; fetching %s and deepening", cloneUrl, commit, ref);
        session.run(
                        repo,
                        List.of("fetch", "--quiet", "--no-tags", "--depth=1", "--filter=blob:none", "origin", ref),
                        null)
                .orFail("ref " + ref, cloneUrl);
        int depth = 1;
        while (!session.run(repo, List.of("cat-file", "-e", commit + "^{commit}"), null)
                .ok()) {
            if (!Files.exists(repo.resolve("shallow"))) {
                throw new TriggerRejected(
                        Reason.NOT_FOUND, "commit " + commit + " is not in the history of " + ref + " at " + cloneUrl);
            }
            if (depth >= config.maxDeepen()) {
                throw new TriggerRejected(
                        Reason.NOT_FOUND,
                        "commit " + commit + " is not among the last " + depth + " commits of " + ref + " at "
                                + cloneUrl);
            }
            int more = Math.min(config.maxDeepen() - depth, Math.max(10, depth * 4));
            session.run(
                            repo,
                            List.of(
                                    "fetch",
                                    "--quiet",
                                    "--no-tags",
                                    "--deepen=" + more,
                                    "--filter=blob:none",
                                    "origin",
                                    ref),
                            null)
                    .orFail("ref " + ref, cloneUrl);
            depth += more;
        }
        return commit;
    }

    private List<WorkflowFile> workflowFiles(Session session, Path repo, String cloneUrl, String commit) {
        List<String> lsTree = new ArrayList<>(List.of("ls-tree", "-z", commit, "--"));
        lsTree.addAll(DIRECTORIES);
        Result tree = session.run(repo, lsTree, null).orFail("commit " + commit, cloneUrl);
        List<String[]> blobs = new ArrayList<>(); // {object id, path}
        for (String entry : tree.text().split("\0")) {
            int tab = entry.indexOf('\t');
            String[] meta = tab < 0 ? new String[0] : entry.substring(0, tab).split(" ");
            String path = tab < 0 ? "" : entry.substring(tab + 1);
            boolean regularFile = meta.length == 3
                    && meta[1].equals("blob")
                    && (meta[0].equals("100644") || meta[0].equals("100755"));
            if (regularFile && (path.endsWith(".yaml") || path.endsWith(".yml"))) {
                blobs.add(new String[] {meta[2], path});
            }
        }
        if (blobs.size() > config.maxWorkflowFiles()) {
            throw new TriggerRejected(
                    Reason.SOURCE_TOO_LARGE,
                    "commit " + commit + " has " + blobs.size() + " files in " + String.join(" and ", DIRECTORIES)
                            + "; at most " + config.maxWorkflowFiles() + " are read");
        }
        if (blobs.isEmpty()) {
            return List.of();
        }
        blobs.sort(Comparator.comparing(b -> b[1]));
        StringBuilder ids = new StringBuilder();
        blobs.forEach(b -> ids.append(b[0]).append('\n'));
        byte[] batch = session.run(repo, List.of("cat-file", "--batch"), ids.toString())
                .orFail("commit " + commit, cloneUrl)
                .stdout();
        return parseBatch(batch, blobs);
    }

    /** Splits {@code cat-file --batch} output: per object a header {@code <id> blob <size>}, the bytes, a newline. */
    private static List<WorkflowFile> parseBatch(byte[] batch, List<String[]> blobs) {
        List<WorkflowFile> files = new ArrayList<>();
        int position = 0;
        for (String[] blob : blobs) {
            int newline = indexOf(batch, (byte) '\n', position);
            String[] header = new String(batch, position, newline - position, StandardCharsets.UTF_8).split(" ");
            if (header.length != 3) {
                throw new IllegalStateException(
                        "git cat-file answered `" + String.join(" ", header) + "` for " + blob[1]);
            }
            long size = Long.parseLong(header[2]);
            int start = newline + 1;
            String text = size > WorkflowCompiler.MAX_FILE_BYTES
                    ? null
                    : new String(batch, start, (int) size, StandardCharsets.UTF_8);
            files.add(new WorkflowFile(blob[1], text, size));
            position = (int) (start + size + 1);
        }
        return files;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalStateException("git cat-file output ended early");
    }

    /** Whether git's answer means the seed would not serve an object by id (older protocols, strict servers). */
    private static boolean refusedById(String stderr) {
        return stderr.contains("not our ref")
                || stderr.contains("unadvertised object")
                || stderr.contains("couldn't find remote ref");
    }

    // ----------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Work<T> {
        T run(Session session) throws IOException;
    }

    private <T> T withScratch(String cloneUrl, Work<T> work) {
        return withScratch(cloneUrl, false, work);
    }

    private <T> T withScratch(String cloneUrl, boolean local, Work<T> work) {
        if (cloneUrl.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\' || c == 0x7f)) {
            throw new IllegalArgumentException("refusing a clone URL with spaces, quotes or control characters");
        }
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("forge-workflows-");
            return work.run(new Session(scratch, Instant.now().plus(config.timeout()), local));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(scratch);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            Log.warnf("could not delete %s: %s", dir, e.getMessage());
        }
    }

    private static long size(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        } catch (IOException | UncheckedIOException raced) {
            return 0; // git renamed a file under us; the next look counts it
        }
    }

    private record Result(int exit, byte[] stdout, String stderr) {
        boolean ok() {
            return exit == 0;
        }

        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        Result orFail(String what, String cloneUrl) {
            if (!ok()) {
                throw failure(what, cloneUrl);
            }
            return this;
        }

        TriggerRejected failure(String what, String cloneUrl) {
            String detail = stderr.lines()
                    .filter(l -> l.startsWith("fatal:") || l.startsWith("error:"))
                    .findFirst()
                    .orElse(stderr.lines().findFirst().orElse("git exited with " + exit))
                    .strip();
            if (stderr.contains("not found") && stderr.contains("repository '")) {
                return new TriggerRejected(Reason.NOT_FOUND, "the seed has no repository at " + cloneUrl);
            }
            if (refusedById(stderr)
                    || stderr.contains("bad object")
                    || stderr.contains("Not a valid object")
                    || stderr.contains("Needed a single revision")) {
                return new TriggerRejected(Reason.NOT_FOUND, what + " was not found at " + cloneUrl);
            }
            return new TriggerRejected(
                    Reason.SEED_UNREACHABLE, "reading " + what + " from " + cloneUrl + " failed: " + detail);
        }
    }

    /** The git processes of one read, sharing a scratch directory, a deadline and a size budget. */
    private final class Session {

        final Path scratch;
        final Instant deadline;
        final boolean local;

        Session(Path scratch, Instant deadline, boolean local) {
            this.scratch = scratch;
            this.deadline = deadline;
            this.local = local;
        }

        Result run(Path dir, List<String> args, String stdin) {
            try {
                return start(dir, args, stdin);
            } catch (IOException e) {
                throw new UncheckedIOException("git could not run", e);
            }
        }

        private Result start(Path dir, List<String> args, String stdin) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    "git",
                    "-c",
                    "protocol.allow=never",
                    "-c",
                    "protocol.http.allow=always",
                    "-c",
                    "protocol.https.allow=always",
                    "-c",
                    "http.followRedirects=false",
                    "-c",
                    "credential.helper=",
                    "-c",
                    "core.hooksPath=/dev/null"));
            config.protocolVersion().ifPresent(v -> command.addAll(List.of("-c", "protocol.version=" + v)));
            if (local) {
                command.addAll(List.of("-c", "protocol.file.allow=always"));
            }
            command.addAll(args);
            int n = outputs.incrementAndGet();
            Path out = scratch.resolve("out-" + n);
            Path err = scratch.resolve("err-" + n);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("GIT_") || k.endsWith("_ASKPASS"));
            env.put("HOME", scratch.toString());
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_CONFIG_GLOBAL", "/dev/null");
            env.put("GIT_TERMINAL_PROMPT", "0");
            env.put("LC_ALL", "C");
            Process process = builder.start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            try {
                while (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
                    if (Instant.now().isAfter(deadline)) {
                        kill(process);
                        throw new TriggerRejected(
                                Reason.SEED_UNREACHABLE,
                                "reading workflows from the seed took longer than "
                                        + config.timeout().toSeconds() + " s");
                    }
                    if (size(scratch) > config.maxBytes().asLongValue()) {
                        kill(process);
                        throw tooLarge();
                    }
                }
            } catch (InterruptedException e) {
                kill(process);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while git ran", e);
            }
            if (size(scratch) > config.maxBytes().asLongValue()) {
                throw tooLarge();
            }
            byte[] stdout = Files.readAllBytes(out);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.delete(err);
            return new Result(process.exitValue(), stdout, stderr);
        }

        private TriggerRejected tooLarge() {
            return new TriggerRejected(
                    Reason.SOURCE_TOO_LARGE,
                    "the commit's snapshot is larger than the "
                            + config.maxBytes().asLongValue() / 1024 + " KiB this server fetches to read workflows");
        }

        private void kill(Process process) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
