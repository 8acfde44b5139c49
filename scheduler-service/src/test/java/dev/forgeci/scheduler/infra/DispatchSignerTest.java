package dev.forgeci.scheduler.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.forgeci.testkit.SignedDispatch;

class DispatchSignerTest {

    @Test
    void aDispatchIsSignedOverItsKeyAndValueAsTheControllersExpectIt() {
        DispatchSigner signer = new DispatchSigner(Optional.of(SignedDispatch.KEY));

        assertThat(signer.sign(SignedDispatch.RECORD_KEY, SignedDispatch.VALUE)).contains(SignedDispatch.SIGNATURE);
        assertThat(signer.sign(SignedDispatch.RECORD_KEY, SignedDispatch.VALUE.replace("true", "false")))
                .isPresent()
                .get()
                .isNotEqualTo(SignedDispatch.SIGNATURE);
        assertThat(signer.sign("another-run", SignedDispatch.VALUE)).get().isNotEqualTo(SignedDispatch.SIGNATURE);
    }

    @Test
    void withoutAKeyNothingIsSignedAndAShortKeyStopsTheService() {
        assertThat(new DispatchSigner(Optional.empty()).sign(SignedDispatch.RECORD_KEY, SignedDispatch.VALUE))
                .isEmpty();
        assertThatThrownBy(() -> new DispatchSigner(Optional.of("short")))
                .hasMessage("forge.dispatch.key must be at least 32 characters");
    }
}
