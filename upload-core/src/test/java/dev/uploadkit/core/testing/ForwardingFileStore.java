package dev.uploadkit.core.testing;

import dev.uploadkit.core.store.ByteRange;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoredObject;

import java.io.InputStream;
import java.util.Optional;

/** A real store with everything passed to it: fault injections override what they break. */
public class ForwardingFileStore implements FileStore {
    private final FileStore delegate;

    public ForwardingFileStore(FileStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public long put(String key, InputStream content, String contentType) {
        return delegate.put(key, content, contentType);
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
