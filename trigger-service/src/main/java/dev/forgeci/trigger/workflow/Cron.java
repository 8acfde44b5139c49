package dev.forgeci.trigger.workflow;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A POSIX cron schedule as {@code on.schedule} writes it (minute, hour, day of month, month, day of
 * week; UTC): lists, ranges, steps, {@code *}, and month and day names. As in cron, when both the day
 * of month and the day of week are restricted, a day matching either runs.
 */
public record Cron(
        String expression,
        BitSet minutes,
        BitSet hours,
        BitSet days,
        BitSet months,
        BitSet weekdays,
        boolean anyDay,
        boolean anyWeekday) {

    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("JAN", 1),
            Map.entry("FEB", 2),
            Map.entry("MAR", 3),
            Map.entry("APR", 4),
            Map.entry("MAY", 5),
            Map.entry("JUN", 6),
            Map.entry("JUL", 7),
            Map.entry("AUG", 8),
            Map.entry("SEP", 9),
            Map.entry("OCT", 10),
            Map.entry("NOV", 11),
            Map.entry("DEC", 12));
    private static final Map<String, Integer> WEEKDAYS =
            Map.of("SUN", 0, "MON", 1, "TUE", 2, "WED", 3, "THU", 4, "FRI", 5, "SAT", 6);

    /** A cron expression that cannot be read; the message says which field and why. */
    public static final class CronException extends IllegalArgumentException {
        public CronException(String message) {
            super(message);
        }
    }

    public static Cron parse(String expression) {
        String[] fields = expression.strip().split("\\s+");
        if (fields.length != 5) {
            throw new CronException("a cron schedule has five fields (minute hour day-of-month month day-of-week), not "
                    + fields.length + ": `" + YamlSource.abbreviate(expression) + "`");
        }
        return new Cron(
                expression.strip(),
                field(fields[0], "minute", 0, 59, Map.of()),
                field(fields[1], "hour", 0, 23, Map.of()),
                field(fields[2], "day of month", 1, 31, Map.of()),
                field(fields[3], "month", 1, 12, MONTHS),
                weekdays(fields[4]),
                fields[2].equals("*"),
                fields[4].equals("*"));
    }

    private static BitSet weekdays(String field) {
        BitSet days = field(field, "day of week", 0, 7, WEEKDAYS);
        if (days.get(7)) {
            days.set(0);
            days.clear(7);
        }
        return days;
    }

    private static BitSet field(String text, String name, int min, int max, Map<String, Integer> names) {
        BitSet values = new BitSet(max + 1);
        for (String part : text.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(part.substring(slash + 1), name, 1, max, Map.of());
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] bounds = range.split("-", 2);
                from = number(bounds[0], name, min, max, names);
                to = number(bounds[1], name, min, max, names);
                if (to < from) {
                    throw new CronException("the " + name + " range `" + range + "` runs backwards");
                }
            } else {
                from = number(range, name, min, max, names);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                values.set(v);
            }
        }
        return values;
    }

    private static int number(String text, String name, int min, int max, Map<String, Integer> names) {
        Integer named = names.get(text.toUpperCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CronException("`" + YamlSource.abbreviate(text) + "` is not a valid " + name + " (" + min + "–" + max
                + (names.isEmpty()
                        ? ""
                        : " or a name such as "
                                + names.keySet().stream().sorted().findFirst().orElse(""))
                + ")");
    }

    public boolean matches(ZonedDateTime time) {
        ZonedDateTime utc = time.withZoneSameInstant(ZoneOffset.UTC);
        if (!minutes.get(utc.getMinute()) || !hours.get(utc.getHour()) || !months.get(utc.getMonthValue())) {
            return false;
        }
        boolean day = days.get(utc.getDayOfMonth());
        boolean weekday = weekdays.get(
                utc.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : utc.getDayOfWeek().getValue());
        if (anyDay && anyWeekday) {
            return true;
        }
        if (anyDay) {
            return weekday;
        }
        if (anyWeekday) {
            return day;
        }
        return day || weekday;
    }

    /** The ticks after {@code after} (exclusive) up to {@code until} (inclusive), whole minutes, in order; at most {@code limit}. */
    public List<Instant> ticks(Instant after, Instant until, int limit) {
        List<Instant> ticks = new java.util.ArrayList<>();
        ZonedDateTime at =
                after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime end = until.atZone(ZoneOffset.UTC);
        // Bounded walk: a year of minutes at most, so a schedule that never matches costs little.
        for (int i = 0; !at.isAfter(end) && ticks.size() < limit && i < 527_040; i++, at = at.plusMinutes(1)) {
            if (matches(at)) {
                ticks.add(at.toInstant());
            }
        }
        return ticks;
    }
}
