package dev.forgeci.trigger.workflow;

import org.yaml.snakeyaml.nodes.Node;

/** A place in a workflow file (line and column from 1), for problems found after compiling. */
public record Location(int line, int column) {

    static Location of(Node node) {
        return new Location(
                node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
    }

    public WorkflowError error(String file, String message) {
        return new WorkflowError(file, line, column, message);
    }
}
