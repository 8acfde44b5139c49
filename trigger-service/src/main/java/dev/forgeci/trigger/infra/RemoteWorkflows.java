package dev.forgeci.trigger.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.forgeci.language.action.ActionReference;
import dev.forgeci.trigger.config.ForgeConfig;
import dev.forgeci.trigger.infra.GitWorkflowReader.Snapshot;
import dev.forgeci.trigger.infra.GitWorkflowReader.WorkflowFile;
import dev.forgeci.trigger.workflow.CalledWorkflows;
import io.quarkus.logging.Log;

/**
 * Reusable workflows of other repositories ({@code owner/repo/.github/workflows/x.yml@ref}), read
 * from where actions come from and in the same order: the mirror's bare repository
 * ({@code <mirror>/<owner>/<repo>.git}), then each upstream. Each read is a shallow, blob-less
 * fetch of the one ref, bounded like a seed's ({@code forge.git.*}).
 */
@ApplicationScoped
public class RemoteWorkflows {

    private final GitWorkflowReader git;
    private final Optional<Path> mirror;
    private final List<String> upstreams;

    @Inject
    public RemoteWorkflows(GitWorkflowReader git, ForgeConfig config) {
        this(git, config.actions().mirror(), config.actions().upstreams());
    }

    RemoteWorkflows(GitWorkflowReader git, Optional<Path> mirror, List<String> upstreams) {
        this.git = git;
        this.mirror = mirror;
        this.upstreams = upstreams;
    }

    public CalledWorkflows.Lookup find(ActionReference.Remote workflow) {
        String commit = workflow.pinned() ? workflow.ref() : null;
        String ref = workflow.pinned() ? null : workflow.ref();
        List<String> tried = new ArrayList<>();
        if (mirror.isPresent()) {
            Path repository = workflow.in(mirror.get());
            if (Files.isDirectory(repository)) {
                Optional<CalledWorkflows.Lookup> found =
                        file(workflow, "the mirror", () -> git.readLocal(repository, commit, ref), tried);
                if (found.isPresent()) {
                    return found.get();
                }
            } else {
                tried.add("the mirror (no " + workflow.repository() + ".git)");
            }
        }
        for (String upstream : upstreams) {
            String url = workflow.at(upstream);
            Optional<CalledWorkflows.Lookup> found = file(workflow, url, () -> git.read(url, commit, ref), tried);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return new CalledWorkflows.Missing("tried " + String.join(", ", tried));
    }

    private interface Read {
        Snapshot snapshot();
    }

    private static Optional<CalledWorkflows.Lookup> file(
            ActionReference.Remote workflow, String source, Read read, List<String> tried) {
        Snapshot snapshot;
        try {
            snapshot = read.snapshot();
        } catch (RuntimeException e) {
            Log.debugf("called workflow %s not read from %s: %s", workflow.display(), source, e.getMessage());
            tried.add(source + " (" + e.getMessage() + ")");
            return Optional.empty();
        }
        Optional<WorkflowFile> file = snapshot.files().stream()
                .filter(f -> f.path().equals(workflow.path()))
                .findFirst();
        if (file.isEmpty()) {
            tried.add(source + " (no " + workflow.path() + " at " + workflow.ref() + ")");
            return Optional.empty();
        }
        return Optional.of(
                new CalledWorkflows.Found(workflow.display(), file.get().text()));
    }
}
