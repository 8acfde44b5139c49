package dev.forgeci.trigger.workflow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** The problems found in one workflow file: errors (it cannot run) and warnings (it runs, but not all of it means something here). */
final class Diagnostics {

    private final String file;
    private final List<WorkflowError> errors = new ArrayList<>();
    private final List<WorkflowError> warnings = new ArrayList<>();

    Diagnostics(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void error(Node node, String message) {
        Mark mark = node.getStartMark();
        error(mark.getLine() + 1, mark.getColumn() + 1, message);
    }

    void error(int line, int column, String message) {
        errors.add(new WorkflowError(file, line, column, message));
    }

    void warning(Node node, String message) {
        Mark mark = node.getStartMark();
        warnings.add(new WorkflowError(file, mark.getLine() + 1, mark.getColumn() + 1, message));
    }

    /** A problem of another file (one this file calls), kept as that file's. */
    void absorb(WorkflowError error) {
        errors.add(error);
    }

    void absorbWarning(WorkflowError warning) {
        warnings.add(warning);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<WorkflowError> errors() {
        return sorted(errors);
    }

    List<WorkflowError> warnings() {
        return sorted(warnings);
    }

    private List<WorkflowError> sorted(List<WorkflowError> list) {
        List<WorkflowError> copy = new ArrayList<>(list);
        // This file's problems first, then those of the files it calls.
        copy.sort(Comparator.comparing((WorkflowError e) -> !e.file().equals(file))
                .thenComparing(WorkflowError::file)
                .thenComparingInt(WorkflowError::line)
                .thenComparingInt(WorkflowError::column));
        return copy;
    }
}
