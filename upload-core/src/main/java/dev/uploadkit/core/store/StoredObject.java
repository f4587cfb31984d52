package dev.uploadkit.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * An opened object (or range of one): the stream to read and its sizes. The caller closes it.
 *
 * @param totalSize the size of the whole object
 * @param range the range the content covers, or empty for the whole object
 */
public record StoredObject(InputStream content, long totalSize, Optional<ByteRange> range) implements AutoCloseable {
    public StoredObject {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(range, "range");
    }

    /** Returns the number of bytes {@link #content()} yields. */
    public long contentLength() {
        return range.map(ByteRange::length).orElse(totalSize);
    }

    @Override
    public void close() {
        try {
            content.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
