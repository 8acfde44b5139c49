package dev.forgeci.trigger.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.forgeci.language.action.ActionReference;
import dev.forgeci.trigger.infra.GitWorkflowReader.WorkflowFile;
import dev.forgeci.trigger.infra.RemoteWorkflows;
import dev.forgeci.trigger.workflow.CalledWorkflows;

/**
 * The called workflows of one run: {@code ./.github/workflows/x.yml} from the same commit's files
 * (read once, when a workflow first calls one), {@code owner/repo/…@ref} from the action sources.
 */
final class CalledFiles implements CalledWorkflows {

    private final Supplier<List<WorkflowFile>> commitFiles;
    private final RemoteWorkflows remote;
    private Map<String, WorkflowFile> byPath;

    CalledFiles(Supplier<List<WorkflowFile>> commitFiles, RemoteWorkflows remote) {
        this.commitFiles = commitFiles;
        this.remote = remote;
    }

    @Override
    public Lookup find(ActionReference reference) {
        if (reference instanceof ActionReference.Remote other) {
            return remote.find(other);
        }
        String path = ((ActionReference.Local) reference).path();
        if (byPath == null) {
            byPath = new LinkedHashMap<>();
            commitFiles.get().forEach(file -> byPath.put(file.path(), file));
        }
        WorkflowFile file = byPath.get(path);
        return file == null ? new Missing("the commit has no file " + path) : new Found(path, file.text());
    }
}
