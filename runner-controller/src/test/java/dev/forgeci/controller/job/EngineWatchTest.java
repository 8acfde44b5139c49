package dev.forgeci.controller.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class EngineWatchTest {

    private final ScriptedEngine engine = new ScriptedEngine();
    private final EngineWatch watch = new EngineWatch(engine, "controller-1", "unix:///var/run/docker.sock");

    @Test
    void beforeTheFirstPingNothingIsTakenAndAfterAnAnsweringOneEverythingIs() {
        CompletableFuture<Void> waiting = watch.awaitAnswering().toCompletableFuture();
        assertThat(waiting).isNotDone();
        assertThat(watch.verdict().answering()).isFalse();
        assertThat(watch.verdict().error()).isEqualTo("not asked yet");

        watch.check();

        assertThat(waiting).isCompleted();
        assertThat(watch.awaitAnswering().toCompletableFuture()).isCompleted();
        assertThat(watch.verdict().answering()).isTrue();
        assertThat(watch.verdict().error()).isNull();
    }

    @Test
    void anEngineThatStopsAnsweringHoldsNewJobsUntilItAnswersAgain() {
        watch.check();
        engine.unanswering("Docker daemon unreachable or failing: Connection refused");

        watch.check();
        CompletableFuture<Void> held = watch.awaitAnswering().toCompletableFuture();
        watch.check();

        assertThat(held).isNotDone();
        assertThat(watch.verdict().answering()).isFalse();
        assertThat(watch.verdict().error()).isEqualTo("Docker daemon unreachable or failing: Connection refused");

        engine.unanswering(null);
        watch.check();

        assertThat(held).isCompleted();
        assertThat(watch.verdict().answering()).isTrue();
    }

    @Test
    void anEngineDownFromTheStartIsReportedWithItsErrorNotAsNeverAsked() {
        engine.unanswering("Docker daemon unreachable or failing: No such file or directory");

        watch.check();

        assertThat(watch.verdict().answering()).isFalse();
        assertThat(watch.verdict().error())
                .isEqualTo("Docker daemon unreachable or failing: No such file or directory");
        assertThat(watch.awaitAnswering().toCompletableFuture()).isNotDone();
    }

    @Test
    void theVerdictKeepsTheTimeItBecameSoWhilePingsAgree() {
        watch.check();
        var since = watch.verdict().since();

        watch.check();
        watch.check();

        assertThat(watch.verdict().since()).isEqualTo(since);
    }
}
