package dev.uploadkit.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An amount of bytes, with the human form the REST contract shows ({@code size_formatted}).
 */
public record DataSize(long bytes) implements Comparable<DataSize> {
    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, was " + bytes);
        }
    }

    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    public static DataSize ofKibibytes(long kib) {
        return new DataSize(Math.multiplyExact(kib, 1024L));
    }

    public static DataSize ofMebibytes(long mib) {
        return new DataSize(Math.multiplyExact(mib, 1024L * 1024));
    }

    public static DataSize ofGibibytes(long gib) {
        return new DataSize(Math.multiplyExact(gib, 1024L * 1024 * 1024));
    }

    /**
     * Returns the size in powers of 1024 with at most two decimals and no trailing zeros:
     * {@code 512 B}, {@code 1.5 KB}, {@code 1000 KB}, {@code 1 MB}.
     */
    public String format() {
        int unit = 0;
        BigDecimal value = BigDecimal.valueOf(bytes);
        BigDecimal k = BigDecimal.valueOf(1024);
        while (value.compareTo(k) >= 0 && unit < UNITS.length - 1) {
            value = value.divide(k);
            unit++;
        }
        BigDecimal rounded = value.setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
        if (rounded.compareTo(k) >= 0 && unit < UNITS.length - 1) {
            rounded = rounded.divide(k).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
            unit++;
        }
        return rounded.toPlainString() + " " + UNITS[unit];
    }

    @Override
    public int compareTo(DataSize other) {
        return Long.compare(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return format();
    }
}
