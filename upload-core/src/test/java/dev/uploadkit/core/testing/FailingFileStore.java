package dev.uploadkit.core.testing;

import dev.uploadkit.core.store.ByteRange;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoredObject;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A real store whose connection breaks after a number of bytes of each put: fault injection for the
 * failure paths, everything else delegated.
 */
public final class FailingFileStore implements FileStore {
    private final FileStore delegate;
    private final long failAfter;

    public FailingFileStore(FileStore delegate, long failAfter) {
        this.delegate = delegate;
        this.failAfter = failAfter;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public long put(String key, InputStream content, String contentType) {
        return delegate.put(key, new FilterInputStream(content) {
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

    @Override
    public StoredObject get(String key, Optional<ByteRange> range) {
        return delegate.get(key, range);
    }

    @Override
    public Optional<Long> size(String key) {
        return delegate.size(key);
    }

    @Override
    public void move(String fromKey, String toKey) {
        delegate.move(fromKey, toKey);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
