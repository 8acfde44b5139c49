package dev.forgeci.trigger.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

class CronTest {

    private static boolean at(String cron, String time) {
        return Cron.parse(cron).matches(ZonedDateTime.parse(time));
    }

    @Test
    void fieldsReadAsPosixCronInUtc() {
        assertThat(at("30 5 * * 1-5", "2026-12-04T05:30:00Z")).isTrue(); // a Friday
        assertThat(at("30 5 * * 1-5", "2026-12-05T05:30:00Z")).isFalse(); // a Saturday
        assertThat(at("30 5 * * 1-5", "2026-12-04T06:30:00+01:00")).isTrue();
        assertThat(at("*/15 * * * *", "2026-12-04T10:45:00Z")).isTrue();
        assertThat(at("*/15 * * * *", "2026-12-04T10:46:00Z")).isFalse();
        assertThat(at("0 0 1 JAN,jul *", "2026-07-01T00:00:00Z")).isTrue();
        assertThat(at("0 12 * * SUN", "2026-12-06T12:00:00Z")).isTrue();
        assertThat(at("0 12 * * 7", "2026-12-06T12:00:00Z")).isTrue();
        assertThat(at("5-10/5 * * * *", "2026-12-06T12:10:00Z")).isTrue();
    }

    @Test
    void aRestrictedDayOfMonthAndDayOfWeekMatchEither() {
        assertThat(at("0 0 13 * 5", "2026-11-13T00:00:00Z")).isTrue(); // the 13th, a Friday
        assertThat(at("0 0 13 * 5", "2026-12-04T00:00:00Z")).isTrue(); // a Friday, not the 13th
        assertThat(at("0 0 13 * 5", "2026-12-13T00:00:00Z")).isTrue(); // the 13th, a Sunday
        assertThat(at("0 0 13 * 5", "2026-12-14T00:00:00Z")).isFalse();
    }

    @Test
    void ticksAreTheMatchingMinutesAfterTheStartUpToTheEnd() {
        assertThat(Cron.parse("0 * * * *")
                        .ticks(Instant.parse("2026-12-04T10:00:00Z"), Instant.parse("2026-12-04T13:00:00Z"), 10))
                .containsExactly(
                        Instant.parse("2026-12-04T11:00:00Z"),
                        Instant.parse("2026-12-04T12:00:00Z"),
                        Instant.parse("2026-12-04T13:00:00Z"));
        assertThat(Cron.parse("* * * * *").ticks(Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 5))
                .hasSize(5);
        assertThat(Cron.parse("0 0 30 2 *").ticks(Instant.EPOCH, Instant.EPOCH.plusSeconds(86400L * 3650), 5))
                .isEmpty();
    }

    @Test
    void aMalformedScheduleSaysWhichFieldIsWrong() {
        assertThatThrownBy(() -> Cron.parse("* * * *")).hasMessageContaining("five fields");
        assertThatThrownBy(() -> Cron.parse("60 * * * *")).hasMessage("`60` is not a valid minute (0–59)");
        assertThatThrownBy(() -> Cron.parse("* * * FOO *")).hasMessageContaining("not a valid month");
        assertThatThrownBy(() -> Cron.parse("* 5-2 * * *")).hasMessageContaining("runs backwards");
    }
}
