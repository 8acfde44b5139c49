package dev.forgeci.trigger.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class UlidTest {

    @Test
    void aUlidIsTwentySixCrockfordCharactersOrderedByTime() {
        assertThat(Ulid.of(0, new byte[10])).isEqualTo("00000000000000000000000000");
        assertThat(Ulid.of(1469918176385L, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1}))
                .isEqualTo("01ARYZ6S41ZZZZZZZZZZZZZZZZ");
        String earlier = Ulid.next();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Ulid.next();
            assertThat(Ulid.isValid(id)).as(id).isTrue();
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
        assertThat(Ulid.of(System.currentTimeMillis() + 1, new byte[10])).isGreaterThan(earlier);
        assertThat(Ulid.isValid("01ARYZ6S41ZZZZZZZZZZZZZZZU")).isFalse();
        assertThat(Ulid.isValid("01arYZ6S41ZZZZZZZZZZZZZZZZ")).isFalse();
    }
}
