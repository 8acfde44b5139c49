package dev.forgeci.controller.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.SignedDispatch;

class DispatchVerifierTest {

    private final DispatchVerifier verifier = new DispatchVerifier(Optional.of(SignedDispatch.KEY));

    @Test
    void theSchedulersSignatureIsAccepted() {
        assertThatCode(() -> verifier.check(
                        SignedDispatch.RECORD_KEY, SignedDispatch.VALUE, bytes(SignedDispatch.SIGNATURE)))
                .doesNotThrowAnyException();
    }

    @Test
    void anUnsignedATamperedOrAReboundRecordIsRefused() {
        assertThatThrownBy(() -> verifier.check(SignedDispatch.RECORD_KEY, SignedDispatch.VALUE, null))
                .isInstanceOf(DispatchVerifier.ForgedDispatchException.class)
                .hasMessage(
                        "job-dispatched for " + SignedDispatch.RECORD_KEY + " is not signed by the scheduler; refused");
        String tampered = SignedDispatch.VALUE.replace("\"trusted\":true", "\"trusted\":false");
        assertThatThrownBy(() -> verifier.check(SignedDispatch.RECORD_KEY, tampered, bytes(SignedDispatch.SIGNATURE)))
                .hasMessageContaining("has a signature the scheduler did not make");
        assertThatThrownBy(() -> verifier.check("another-run", SignedDispatch.VALUE, bytes(SignedDispatch.SIGNATURE)))
                .hasMessageContaining("has a signature the scheduler did not make");
        assertThatThrownBy(() -> verifier.check(SignedDispatch.RECORD_KEY, SignedDispatch.VALUE, bytes("v1=00")))
                .hasMessageContaining("has a signature the scheduler did not make");
    }

    @Test
    void withoutAKeyEveryRecordPassesAndAShortKeyStopsTheService() {
        assertThatCode(() -> new DispatchVerifier(Optional.empty()).check("r", "{}", null))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> new DispatchVerifier(Optional.of("short")))
                .hasMessage("forge.dispatch.key must be at least 32 characters");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
