package dev.uploadkit.core.internal.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The caller's content as handed to jclouds: counts the bytes read and remembers what the caller's stream threw,
 * so a failure of the source can be told apart from a failure of the store however jclouds wraps it.
 *
 * <p>{@link #close()} leaves the caller's stream open: the caller owns it.
 */
public final class SourceStream extends FilterInputStream {
    private long count;
    private Throwable failure;

    public SourceStream(InputStream in) {
        super(in);
    }

    /** Returns the number of bytes read so far. */
    public long count() {
        return count;
    }

    /** Returns what the source threw while being read, or {@code null} if it has not failed. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException | RuntimeException | Error e) {
            remember(e);
            throw e;
        }
        if (b >= 0) {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException | RuntimeException | Error e) {
            remember(e);
            throw e;
        }
        if (n > 0) {
            count += n;
        }
        return n;
    }

    /**
     * Reads until {@code buffer} is full or the source ends.
     *
     * @return the number of bytes read, less than {@code buffer.length} only at the end of the source
     */
    public int fill(byte[] buffer) throws IOException {
        return fill(buffer, 0);
    }

    /**
     * Reads into {@code buffer} from {@code from} on until it is full or the source ends.
     *
     * @return the number of bytes read, less than {@code buffer.length - from} only at the end of the source
     */
    public int fill(byte[] buffer, int from) throws IOException {
        int filled = from;
        while (filled < buffer.length) {
            int n = read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled - from;
    }

    @Override
    public long skip(long n) throws IOException {
        // Reading rather than delegating keeps the count and the failure record exact.
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // Not supported: a rewind would make the count wrong.
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    @Override
    public void close() {
        // The caller owns the stream; jclouds closing its payload must not close it.
    }

    private void remember(Throwable e) {
        if (failure == null) {
            failure = e;
        }
    }
}
