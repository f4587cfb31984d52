package dev.uploadkit.core.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The body of a request whose length was fixed before its first byte from a guess at the content's length: exactly
 * {@code length} bytes, the content's first ones, then zeros if the content ended sooner. Bytes of the content past
 * the guess stay unread in it. {@link #fromSource()} tells how many bytes came from the content.
 *
 * <p>What reading the content throws passes on into jclouds, which then gives the request up without finishing
 * its body: the server never stores a body shorter than its {@code Content-Length}, and drops it when it times the
 * connection out. (Ending the body early instead would close the connection at once, but S3Proxy's filesystem
 * backend then stores the bytes it got as the object.)
 *
 * <p>{@link #close()} leaves the content open: the writer goes on reading it when the guess was short.
 */
final class GuessedLength extends InputStream {
    private final InputStream source;
    private final long length;
    private long served;
    private long fromSource = -1;

    GuessedLength(InputStream source, long length) {
        this.source = source;
        this.length = length;
    }

    /** Returns how many of the bytes served came from the content; all of them unless it ended first. */
    long fromSource() {
        return fromSource < 0 ? served : fromSource;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (served == length) {
            return -1;
        }
        int wanted = (int) Math.min(len, length - served);
        int n = -1;
        if (fromSource < 0) {
            n = source.read(b, off, wanted);
            if (n < 0) {
                fromSource = served;
            }
        }
        if (n < 0) {
            Arrays.fill(b, off, off + wanted, (byte) 0);
            n = wanted;
        }
        served += n;
        return n;
    }

    @Override
    public void close() {
        // The writer owns the content.
    }
}
