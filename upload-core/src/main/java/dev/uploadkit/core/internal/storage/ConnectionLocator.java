package dev.uploadkit.core.internal.storage;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.internal.LookupCache;
import dev.uploadkit.core.internal.store.FixedStores;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoreLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The server's configured stores plus each project's storage connections. A connection's store is opened the first
 * time it is needed and kept; a lookup that finds the connection changed since (its {@code updated_at}) opens it again
 * and closes the old one, and one that finds it gone closes it. Every store opened here is closed by {@link #close()};
 * the configured ones stay the host's.
 *
 * <p>Each project's default connection (or that it has none) is read once per {@code defaultTtl}, not on every upload:
 * a change through {@link #changed} applies at once, one made by another instance within the TTL.
 */
public final class ConnectionLocator implements StoreLocator {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLocator.class);

    private record Opened(Instant version, StorageConnection connection, FileStore store) {
    }

    private final Catalog catalog;
    private final FixedStores configured;
    private final ConnectionStores factory;
    private final ConcurrentMap<UUID, Opened> opened = new ConcurrentHashMap<>();
    private final LookupCache<UUID, Optional<StorageConnection>> defaults;
    private volatile boolean closed;

    public ConnectionLocator(Catalog catalog, FixedStores configured, ConnectionStores factory, Duration defaultTtl) {
        this.catalog = catalog;
        this.configured = configured;
        this.factory = factory;
        this.defaults = new LookupCache<>(defaultTtl, 10_000);
    }

    /** Returns the store the host configured under {@code storageId}, or under that id as clients see it. */
    public Optional<FileStore> configured(String storageId) {
        return configured.byId(storageId);
    }

    @Override
    public Optional<FileStore> locate(UUID projectId, String storageId) {
        Optional<FileStore> fixed = configured.byId(storageId);
        if (fixed.isPresent()) {
            return fixed;
        }
        Optional<UUID> id = parse(storageId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<StorageConnection> connection = catalog.inTransaction(tx -> tx.storage().find(projectId, id.get()));
        if (connection.isEmpty()) {
            evict(id.get());
            return Optional.empty();
        }
        return Optional.of(storeOf(connection.get()));
    }

    @Override
    public FileStore defaultFor(UUID projectId) {
        return defaults.get(projectId, p -> catalog.inTransaction(tx -> tx.storage().findDefault(p)))
                .map(this::storeOf).orElseGet(() -> configured.defaultFor(projectId));
    }

    /** Returns the open store of {@code connection}, opening it if it is not open or is older than it. */
    public FileStore storeOf(StorageConnection connection) {
        if (closed) {
            throw new IllegalStateException("The store locator is closed.");
        }
        Opened current = opened.get(connection.id());
        // A connection read earlier than the open store's (a cached default) gets the newer store, not a reopen.
        if (current != null && !current.version().isBefore(connection.updatedAt())) {
            return current.store();
        }
        return opened.compute(connection.id(), (id, old) -> {
            if (old != null && !old.version().isBefore(connection.updatedAt())) {
                return old;
            }
            // A change of what the store is not made of (name, public base URL, default) keeps it open: a transient
            // store's objects live only in it, and an S3 client's connections need not be made again.
            if (old != null && sameStore(old.connection(), connection)) {
                return new Opened(connection.updatedAt(), connection, old.store());
            }
            if (old != null) {
                closeQuietly(old.store());
            }
            return new Opened(connection.updatedAt(), connection, factory.open(connection));
        }).store();
    }

    /** Whether two versions of a connection make the same store (what its name or default say aside). */
    static boolean sameStore(StorageConnection a, StorageConnection b) {
        return a.provider() == b.provider() && Objects.equals(a.endpoint(), b.endpoint())
                && Objects.equals(a.region(), b.region()) && Objects.equals(a.bucket(), b.bucket())
                && Objects.equals(a.accessKey(), b.accessKey()) && Objects.equals(a.sealedSecret(), b.sealedSecret())
                && a.pathStyle() == b.pathStyle();
    }

    /**
     * Tells the locator a connection of the project was added or changed (once committed): the project's default is
     * read again, and the next lookup of the connection reads its row, reopening its store if what the store is made
     * of changed.
     */
    public void changed(UUID projectId) {
        defaults.invalidate(projectId);
    }

    /** Tells the locator a connection of the project was removed (once committed): closes its store if it is open. */
    public void removed(UUID projectId, UUID connectionId) {
        defaults.invalidate(projectId);
        evict(connectionId);
    }

    /** Closes the store of this connection if it is open (after it was changed or removed). */
    public void evict(UUID connectionId) {
        Opened old = opened.remove(connectionId);
        if (old != null) {
            closeQuietly(old.store());
        }
    }

    @Override
    public Collection<FileStore> openStores() {
        List<FileStore> all = new ArrayList<>(configured.openStores());
        opened.values().forEach(o -> all.add(o.store()));
        return all;
    }

    @Override
    public void close() {
        closed = true;
        for (UUID id : List.copyOf(opened.keySet())) {
            evict(id);
        }
    }

    private static Optional<UUID> parse(String storageId) {
        try {
            return storageId != null && storageId.length() == 36 ? Optional.of(UUID.fromString(storageId))
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(FileStore store) {
        try {
            store.close();
        } catch (RuntimeException e) {
            LOG.warn("Could not close store {}", store.id(), e);
        }
    }
}
