package dev.uploadkit.core.testing;

import dev.uploadkit.core.store.FileStore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A real store whose connection breaks after a number of bytes of each put: fault injection for the
 * failure paths, everything else delegated.
 */
public final class FailingFileStore extends ForwardingFileStore {
    private final long failAfter;

    public FailingFileStore(FileStore delegate, long failAfter) {
        super(delegate);
        this.failAfter = failAfter;
    }

    @Override
    public long put(String key, InputStream content, String contentType) {
        return super.put(key, new FilterInputStream(content) {
            private long count;

            @Override
            public int read() throws IOException {
                check(1);
                return super.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                check(Math.max(n, 0));
                return n;
            }

            private void check(int n) throws IOException {
                count += n;
                if (count > failAfter) {
                    throw new IOException("store connection lost");
                }
            }
        }, contentType);
    }
}
