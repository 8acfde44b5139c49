package dev.forgeci.scheduler.runs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A step's status, in the words the runs API shows and the store keeps. */
public enum StepStatus {
    QUEUED,
    RUNNING,
    SUCCESS,
    FAILURE,
    CANCELLED,
    SKIPPED,
    ERROR;

    @JsonValue
    public String word() {
        return EnumWords.word(this);
    }

    @JsonCreator
    public static StepStatus of(String word) {
        return EnumWords.parse(StepStatus.class, word, "step status");
    }

    /** A step that ended as a job can end: an outcome the step has no word for is an error. */
    static StepStatus ended(JobState outcome) {
        return switch (outcome) {
            case SUCCESS -> SUCCESS;
            case FAILURE -> FAILURE;
            case CANCELLED -> CANCELLED;
            case SKIPPED -> SKIPPED;
            default -> ERROR;
        };
    }
}
