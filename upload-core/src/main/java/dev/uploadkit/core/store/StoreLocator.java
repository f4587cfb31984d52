package dev.uploadkit.core.store;

import dev.uploadkit.core.internal.store.FixedStores;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Finds the {@link FileStore} behind a project's storage id: the server's configured stores, and the storage
 * connections a project added itself ("bring your own bucket").
 *
 * <p>Lookups are scoped to a project: a store another project connected is never found, so a caller cannot tell
 * it from one that does not exist. Implementations are thread-safe; a lookup may open a store the first time it is
 * needed (connecting to its bucket), so it may block on the network and throw what opening a store throws.
 *
 * <p>A locator does not decide keys, deduplicate or record anything; it only hands out open stores. It owns the
 * stores it opened itself and closes them in {@link #close()}; stores a host gave it stay the host's to close.
 */
public interface StoreLocator extends AutoCloseable {

    /**
     * Returns the store {@code storageId} names for {@code projectId}, or empty if that project has no such store.
     *
     * @throws dev.uploadkit.core.UploadException {@code STORAGE_ERROR} or {@code SERVICE_UNAVAILABLE} if the store
     *     exists but cannot be opened
     */
    Optional<FileStore> locate(UUID projectId, String storageId);

    /**
     * Returns the store {@code projectId}'s uploads go to unless they name another: its default connection, else
     * the server's default store.
     *
     * @throws dev.uploadkit.core.UploadException as {@link #locate}
     */
    FileStore defaultFor(UUID projectId);

    /**
     * Returns the stores open now, for maintenance that visits every store (crash sweeps of temporary files and
     * unfinished multipart uploads). Opens nothing.
     */
    Collection<FileStore> openStores();

    /** Closes the stores this locator opened itself; idempotent. */
    @Override
    void close();

    /**
     * Returns a locator over a fixed set of stores shared by every project, {@code defaultId} being the default
     * of all. It never closes them.
     *
     * @throws IllegalArgumentException if the list is empty, two stores share an id, or {@code defaultId} is none
     *     of theirs
     */
    static StoreLocator of(List<FileStore> stores, String defaultId) {
        return new FixedStores(stores, defaultId);
    }
}
