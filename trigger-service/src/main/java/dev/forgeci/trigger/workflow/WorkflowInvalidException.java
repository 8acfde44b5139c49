package dev.forgeci.trigger.workflow;

import java.util.List;

/** A workflow that cannot run; carries every problem found, not only the first. */
public class WorkflowInvalidException extends RuntimeException {

    private final transient List<WorkflowError> errors;

    public WorkflowInvalidException(List<WorkflowError> errors) {
        super(errors.size() + " problem(s) in " + errors.get(0).file() + ", first: "
                + errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    public List<WorkflowError> errors() {
        return errors;
    }
}
