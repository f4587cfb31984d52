package dev.uploadkit.standalone;

import dev.uploadkit.core.store.ByteRange;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoredObject;

import java.io.InputStream;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A store opened on first use. Opening a jclouds store (its Guice context) is the slowest step of a start, and
 * lists, details and the other catalog-only answers never need it; the server opens it right after it starts
 * listening ({@link #open()}), while the first requests are answered, and before its background work starts.
 */
final class LazyStore implements FileStore {

    private final String id;
    private final Supplier<FileStore> factory;
    private volatile FileStore store;
    private boolean closed;

    LazyStore(String id, Supplier<FileStore> factory) {
        this.id = Objects.requireNonNull(id, "id");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Opens the store now if it is not open yet; blocks while another thread opens it. */
    FileStore open() {
        FileStore open = store;
        return open != null ? open : openNow();
    }

    private synchronized FileStore openNow() {
        if (closed) {
            throw new IllegalStateException("The store " + id + " is closed.");
        }
        if (store == null) {
            store = factory.get();
        }
        return store;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long put(String key, InputStream content, String contentType) {
        return open().put(key, content, contentType);
    }

    @Override
    public long put(String key, InputStream content, String contentType, long expectedLength) {
        return open().put(key, content, contentType, expectedLength);
    }

    @Override
    public long putStaged(String key, InputStream content, String contentType, long expectedLength) {
        return open().putStaged(key, content, contentType, expectedLength);
    }

    @Override
    public void seal(String key) {
        open().seal(key);
    }

    @Override
    public StoredObject get(String key, Optional<ByteRange> range) {
        return open().get(key, range);
    }

    @Override
    public Optional<Long> size(String key) {
        return open().size(key);
    }

    @Override
    public void move(String fromKey, String toKey) {
        open().move(fromKey, toKey);
    }

    @Override
    public void delete(String key) {
        open().delete(key);
    }

    @Override
    public int discardUnfinishedWrites(String key) {
        return open().discardUnfinishedWrites(key);
    }

    @Override
    public int removeStaleTemporaryFiles(Instant before) {
        return open().removeStaleTemporaryFiles(before);
    }

    @Override
    public int removeStaleTemporaryFiles(Instant before, Function<String, Optional<String>> destination) {
        return open().removeStaleTemporaryFiles(before, destination);
    }

    @Override
    public boolean movesByRename() {
        return open().movesByRename();
    }

    @Override
    public int abortStaleMultipartUploads(Instant before, Predicate<String> ownedKey) {
        return open().abortStaleMultipartUploads(before, ownedKey);
    }

    @Override
    public synchronized void close() {
        closed = true;
        FileStore open = store;
        store = null; // later calls find it closed
        if (open != null) {
            open.close();
        }
    }
}
