package dev.forgeci.controller.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunnerPoolTest {

    @Test
    void eachPoolServesOnlyRunsOfItsOwnTrust() {
        assertThat(RunnerPool.TRUSTED.serves(true)).isTrue();
        assertThat(RunnerPool.TRUSTED.serves(false)).isFalse();
        assertThat(RunnerPool.UNTRUSTED.serves(false)).isTrue();
        assertThat(RunnerPool.UNTRUSTED.serves(true)).isFalse();
    }

    @Test
    void onlySysboxContainsAStrangersRootSoTheUntrustedPoolAcceptsNothingElse() {
        assertThat(RunnerPool.UNTRUSTED.isolationProblem(Isolation.SYSBOX)).isEmpty();
        assertThat(RunnerPool.UNTRUSTED.isolationProblem(Isolation.PRIVILEGED))
                .hasValueSatisfying(
                        why -> assertThat(why).contains("privileged isolation gives a stranger's patch root"));
        assertThat(RunnerPool.UNTRUSTED.isolationProblem(Isolation.CAPABILITIES))
                .isPresent();
        for (Isolation isolation : Isolation.values()) {
            assertThat(RunnerPool.TRUSTED.isolationProblem(isolation)).isEmpty();
        }
    }

    @Test
    void aPoolIsNamedInLowerCaseAsItsTopicKeyIs() {
        assertThat(RunnerPool.parse("untrusted")).isEqualTo(RunnerPool.UNTRUSTED);
        assertThat(RunnerPool.TRUSTED.label()).isEqualTo("trusted");
        assertThatThrownBy(() -> RunnerPool.parse("Untrusted"))
                .hasMessage("forge.controller.pool must be trusted or untrusted, not Untrusted");
    }
}
