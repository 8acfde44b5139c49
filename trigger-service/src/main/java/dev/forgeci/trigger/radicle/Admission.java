package dev.forgeci.trigger.radicle;

import dev.forgeci.trigger.run.TriggerRequest;

/** What a Radicle event amounts to: a trigger to start, or a reason why it starts nothing. */
public sealed interface Admission {

    record Admit(TriggerRequest request) implements Admission {}

    record Ignore(String reason) implements Admission {}
}
