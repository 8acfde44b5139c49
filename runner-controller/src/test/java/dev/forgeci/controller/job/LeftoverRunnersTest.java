package dev.forgeci.controller.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.forgeci.controller.runner.Runner;

class LeftoverRunnersTest {

    private final ScriptedEngine engine = new ScriptedEngine();
    private final LeftoverRunners leftovers = new LeftoverRunners(engine);

    @Test
    void aRunnerWhoseRemovalFailsIsTriedAgainUntilItIsGoneAndThenNoMore() {
        Runner runner = new Runner("container-1", "forge-job-1");
        leftovers.add(runner);
        engine.failRemove(2);

        leftovers.retry();
        leftovers.retry();
        assertThat(leftovers.pending()).containsExactly(runner);

        leftovers.retry();
        assertThat(leftovers.pending()).isEmpty();
        leftovers.retry();
        assertThat(engine.calls).containsExactly("remove", "remove", "remove");
    }
}
