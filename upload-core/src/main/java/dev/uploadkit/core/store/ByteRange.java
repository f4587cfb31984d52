package dev.uploadkit.core.store;

/**
 * An inclusive byte range of a known-size object, already resolved against that size.
 *
 * @param first the first byte's offset
 * @param last the last byte's offset, inclusive
 */
public record ByteRange(long first, long last) {
    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid range " + first + "-" + last);
        }
    }

    public long length() {
        return last - first + 1;
    }
}
