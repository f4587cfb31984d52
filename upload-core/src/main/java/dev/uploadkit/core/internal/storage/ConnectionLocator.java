package dev.uploadkit.core.internal.storage;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.internal.store.FixedStores;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoreLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The server's configured stores plus each project's storage connections. A connection's store is opened the first
 * time it is needed and kept; a lookup that finds the connection changed since (its {@code updated_at}) opens it again
 * and closes the old one, and one that finds it gone closes it. Every store opened here is closed by {@link #close()};
 * the configured ones stay the host's.
 */
public final class ConnectionLocator implements StoreLocator {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLocator.class);

    private record Opened(Instant version, FileStore store) {
    }

    private final Catalog catalog;
    private final FixedStores configured;
    private final ConnectionStores factory;
    private final ConcurrentMap<UUID, Opened> opened = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ConnectionLocator(Catalog catalog, FixedStores configured, ConnectionStores factory) {
        this.catalog = catalog;
        this.configured = configured;
        this.factory = factory;
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
        return catalog.inTransaction(tx -> tx.storage().findDefault(projectId)).map(this::storeOf)
                .orElseGet(() -> configured.defaultFor(projectId));
    }

    /** Returns the open store of {@code connection}, opening it if it is not open or has changed since. */
    public FileStore storeOf(StorageConnection connection) {
        if (closed) {
            throw new IllegalStateException("The store locator is closed.");
        }
        Opened current = opened.get(connection.id());
        if (current != null && current.version().equals(connection.updatedAt())) {
            return current.store();
        }
        return opened.compute(connection.id(), (id, old) -> {
            if (old != null && old.version().equals(connection.updatedAt())) {
                return old;
            }
            if (old != null) {
                closeQuietly(old.store());
            }
            return new Opened(connection.updatedAt(), factory.open(connection));
        }).store();
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
