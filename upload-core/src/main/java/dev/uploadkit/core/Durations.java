package dev.uploadkit.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations as settings write them: {@code 90s}, {@code 10m}, {@code 24h}, {@code 30d}, or ISO-8601. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text}: a whole number followed by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
     * (days of 24 hours), or an ISO-8601 duration such as {@code PT24H} or {@code P30D}.
     *
     * @param property named in the error message, e.g. {@code UPLOADKIT_TRASH_RETENTION}
     * @throws IllegalArgumentException naming the property, the bad value and the accepted forms
     */
    public static Duration parse(String property, String text) {
        String value = text == null ? "" : text.strip();
        Matcher m = SHORT.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(property + ": '" + text + "' is not a duration; write it like 90s, "
                    + "10m, 24h, 30d or ISO-8601 PT24H", e);
        }
    }

    /**
     * Returns {@code value} if it is a positive duration.
     *
     * @param example a value to suggest in the message, or {@code null}
     * @throws IllegalArgumentException naming {@code property} otherwise
     */
    public static Duration requirePositive(String property, Duration value, String example) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + ": must be a positive duration, was " + value
                    + (example == null ? "" : "; use for example " + example));
        }
        return value;
    }
}
