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

    /**
     * Returns this range cut at the last byte of an object of {@code size} bytes.
     *
     * @throws dev.uploadkit.core.UploadException {@code VALIDATION_ERROR} on {@code range} if it starts past the end
     */
    public ByteRange within(long size) {
        if (first >= size) {
            String message = "The range starts at byte " + first + ", past the end of the " + size + "-byte object.";
            throw new dev.uploadkit.core.UploadException(dev.uploadkit.core.ErrorCode.VALIDATION_ERROR, message,
                    java.util.Map.of("range", java.util.List.of(message)), null);
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }
}
