package dev.forgeci.trigger.run;

import java.util.List;

/** A trigger that cannot become a run, with the reason a user can act on. */
public class TriggerRejected extends RuntimeException {

    public enum Reason {
        /** A field failed validation; {@link #errors()} says which. */
        INVALID_REQUEST,
        /** A seed, clone URL or status URL is not on the operator's allowlist. */
        SEED_NOT_ALLOWED,
        /** The seed does not have the repository, commit or ref. */
        NOT_FOUND,
        /** The seed could not be reached or failed. */
        SEED_UNREACHABLE,
        /** The commit's snapshot is larger than the operator allows to fetch. */
        SOURCE_TOO_LARGE,
        /** The commit has no workflow file. */
        NO_WORKFLOWS,
        /** Kafka did not acknowledge the run requests in time. */
        KAFKA_UNAVAILABLE,
        /** Redis, which numbers runs and recognises redeliveries, cannot be reached. */
        STORE_UNAVAILABLE
    }

    private final Reason reason;
    private final transient List<FieldError> errors;

    public TriggerRejected(Reason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.errors = List.of();
    }

    public TriggerRejected(List<FieldError> errors) {
        super(
                errors.size() == 1
                        ? errors.get(0).field() + ": " + errors.get(0).message()
                        : errors.size() + " fields are invalid; see errors",
                null,
                false,
                false);
        this.reason = Reason.INVALID_REQUEST;
        this.errors = List.copyOf(errors);
    }

    public Reason reason() {
        return reason;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
