package dev.forgeci.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A bare repository laid out as a Radicle seed serves it ({@code <root>/<rid without "rad:">.git}),
 * filled through a private work tree with real git commands.
 */
public final class BareRepo {

    private final Path bare;
    private final Path work;

    private BareRepo(Path bare, Path work) {
        this.bare = bare;
        this.work = work;
    }

    public static BareRepo create(Path root, String rid) {
        try {
            Path bare = root.resolve(rid.replaceFirst("^rad:", "") + ".git");
            Files.createDirectories(root);
            Path work = Files.createTempDirectory("forge-work");
            git(root, "init", "-q", "--bare", "-b", "main", bare.toString());
            git(work, "init", "-q", "-b", "main");
            git(work, "remote", "add", "origin", bare.toString());
            return new BareRepo(bare, work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the files (path relative to the repository → content), commits them on the branch, pushes, returns the commit id. */
    public String commit(String branch, Map<String, String> files, String message) {
        try {
            if (!branch.equals(currentBranch())) {
                git(work, "checkout", "-q", "-B", branch);
            }
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = work.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            }
            git(work, "add", "-A");
            git(work, "commit", "-q", "--allow-empty", "-m", message);
            git(work, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
            return git(work, "rev-parse", "HEAD").strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String commit(Map<String, String> files, String message) {
        return commit("main", files, message);
    }

    /** Makes an executable file part of the next commit. */
    public void makeExecutable(String path) {
        work.resolve(path).toFile().setExecutable(true);
    }

    /** Copies a directory's files (bytes as they are) into the repository, commits them on main and pushes; returns the commit id. */
    public String commitTree(Path directory, String message) {
        try (var files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = work.resolve(directory.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return commit(Map.of(), message);
    }

    /** Tags the last commit and pushes the tag. */
    public void tag(String name) {
        git(work, "tag", name);
        git(work, "push", "-q", "origin", "refs/tags/" + name);
    }

    /** Adds the other repository as a submodule at the path, commits and pushes; returns the commit id. */
    public String submodule(String path, BareRepo other) {
        git(work, "-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://" + other.bareDir(), path);
        return commit(currentBranch(), Map.of(), "add submodule " + path);
    }

    public Path bareDir() {
        return bare;
    }

    private String currentBranch() {
        // symbolic-ref also answers on a branch without commits yet, where rev-parse fails.
        return git(work, "symbolic-ref", "--short", "HEAD").strip();
    }

    static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "git",
                "-c",
                "user.name=Forge Test",
                "-c",
                "user.email=test@forge.invalid",
                "-c",
                "commit.gpgsign=false"));
        command.addAll(Arrays.asList(args));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
