package dev.uploadkit.core.internal;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Counts the bytes read and throws {@code FILE_TOO_LARGE} as soon as more than the limit arrive, so an
 * oversized upload is refused while streaming, after reading at most one buffer past the limit.
 */
public final class SizeLimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    public SizeLimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** Returns the number of bytes read so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        add(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * Refuses now, as reading them would, if {@code upcoming} more bytes exceed the limit: for a caller that looked
     * at bytes ahead of this stream and wants the size refused before anything it decides from them.
     */
    public void requireRoomFor(long upcoming) {
        if (count + upcoming > limit) {
            throw tooLarge(limit);
        }
    }

    private void add(long n) {
        count += n;
        if (count > limit) {
            throw tooLarge(limit);
        }
    }

    /** The refusal of a file over {@code limit} bytes (also the servlet's, of a request far over it). */
    public static UploadException tooLarge(long limit) {
        String max = DataSize.ofBytes(limit).format();
        return new UploadException(ErrorCode.FILE_TOO_LARGE, "The file exceeds the size limit of " + max + ".",
                Map.of("file", List.of("The file may be at most " + max + ".")), null);
    }
}
