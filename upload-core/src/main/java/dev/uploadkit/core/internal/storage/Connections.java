package dev.uploadkit.core.internal.storage;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.StorageSummary;
import dev.uploadkit.core.internal.Events;
import dev.uploadkit.core.storage.StorageCheck;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageRequest;
import dev.uploadkit.core.storage.StorageStats;
import dev.uploadkit.core.store.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Projects' storage connections: add, change, remove (refused while anything lives there), make default, check
 * connectivity, report what they hold, and re-seal secrets after a master-key rotation. Each change and its
 * {@code storage.*} event commit in one transaction; the locator's open store of a changed or removed connection is
 * closed after the commit.
 */
public final class Connections {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

    private final Catalog catalog;
    private final ConnectionLocator locator;
    private final ConnectionStores stores;
    private final ConnectionSpecs specs;
    private final IdSource ids;
    private final Supplier<Instant> clock;
    private final Events events;
    /** How long {@link #publicBaseUrl} answers from its cache: 5 s. */
    static final long PUBLIC_URL_TTL_NANOS = 5_000_000_000L;
    private final ConcurrentMap<UUID, CachedUrl> publicUrls = new ConcurrentHashMap<>();

    private record CachedUrl(UUID projectId, Optional<String> url, long fetchedNanos) {
    }

    public Connections(Catalog catalog, ConnectionLocator locator, ConnectionStores stores, IdSource ids,
                       Supplier<Instant> clock, Events events) {
        this.catalog = catalog;
        this.locator = locator;
        this.stores = stores;
        this.specs = new ConnectionSpecs(stores);
        this.ids = ids;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Returns the public base URL of the project's connection {@code storageId}, if it is a connection with one.
     * Answers from a cache of a few seconds, so a change shows on other instances within {@link #PUBLIC_URL_TTL_NANOS}.
     */
    public Optional<String> publicBaseUrl(UUID projectId, String storageId) {
        Optional<UUID> id = parseId(storageId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        CachedUrl cached = publicUrls.get(id.get());
        if (cached != null && now - cached.fetchedNanos() < PUBLIC_URL_TTL_NANOS
                && cached.projectId().equals(projectId)) {
            return cached.url();
        }
        Optional<String> url = catalog.inTransaction(tx -> tx.storage().find(projectId, id.get()))
                .map(StorageConnection::publicBaseUrl);
        if (publicUrls.size() > 10_000) {
            publicUrls.clear();
        }
        publicUrls.put(id.get(), new CachedUrl(projectId, url, now));
        return url;
    }

    public List<StorageConnection> list(UUID projectId) {
        return catalog.inTransaction(tx -> tx.storage().list(projectId));
    }

    public StorageConnection get(UUID projectId, UUID id) {
        return catalog.inTransaction(tx -> tx.storage().find(projectId, id)).orElseThrow(Connections::notFound);
    }

    /** Adds a connection; it becomes the project's default if it asks to, and {@code storage.connected} fires. */
    public StorageConnection add(UUID projectId, StorageRequest request) {
        Objects.requireNonNull(request, "request");
        StorageConnection connection = specs.create(ids.next(), projectId, request, clock.get());
        catalog.inTransaction(tx -> {
            if (connection.isDefault()) {
                tx.storage().clearDefault(projectId, null);
            }
            tx.storage().insert(connection);
            events.append(tx, EventType.STORAGE_CONNECTED, summary(connection));
            return connection;
        });
        locator.changed(projectId);
        return connection;
    }

    /**
     * Changes the fields {@code request} gives.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code VALIDATION_ERROR}; {@code CONFLICT} when the change would
     *     point the connection elsewhere (endpoint, bucket) while files live there
     */
    public StorageConnection update(UUID projectId, UUID id, StorageRequest request) {
        Objects.requireNonNull(request, "request");
        StorageConnection current = get(projectId, id);
        StorageConnection next = specs.change(current, request, clock.get());
        StorageConnection saved = catalog.inTransaction(tx -> {
            StorageConnection locked = tx.storage().lock(projectId, id).orElseThrow(Connections::notFound);
            boolean moves = !Objects.equals(locked.endpoint(), next.endpoint())
                    || !Objects.equals(locked.bucket(), next.bucket());
            if (moves && tx.storage().inUse(projectId, locked.storageId())) {
                throw new UploadException(ErrorCode.CONFLICT, "Files live in this storage: its endpoint and bucket "
                        + "cannot change; add another storage instead.");
            }
            if (next.isDefault()) {
                tx.storage().clearDefault(projectId, id);
            }
            tx.storage().update(next);
            return next;
        });
        locator.changed(projectId);
        if (!ConnectionLocator.sameStore(current, saved)) {
            locator.evict(id); // reopened at its next use, whatever the clocks say of its version
        }
        publicUrls.remove(id);
        return saved;
    }

    /**
     * Removes a connection and fires {@code storage.disconnected}.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} while files (trash included) live there
     */
    public void remove(UUID projectId, UUID id) {
        catalog.inTransaction(tx -> {
            StorageConnection locked = tx.storage().lock(projectId, id).orElseThrow(Connections::notFound);
            if (tx.storage().inUse(projectId, locked.storageId())) {
                throw new UploadException(ErrorCode.CONFLICT, "Files live in this storage (trash included); delete "
                        + "them before removing it.");
            }
            tx.storage().delete(projectId, id);
            events.append(tx, EventType.STORAGE_DISCONNECTED, summary(locked));
            return null;
        });
        locator.removed(projectId, id);
    }

    /** Makes the connection the project's default: uploads go there unless they name another storage. */
    public StorageConnection makeDefault(UUID projectId, UUID id) {
        Instant now = clock.get();
        StorageConnection saved = catalog.inTransaction(tx -> {
            StorageConnection locked = tx.storage().lock(projectId, id).orElseThrow(Connections::notFound);
            tx.storage().clearDefault(projectId, id);
            StorageConnection next = locked.withDefault(true, now);
            tx.storage().update(next);
            return next;
        });
        locator.changed(projectId);
        return saved;
    }

    public StorageStats stats(UUID projectId, UUID id) {
        Optional<String> configured = locator.configured(id.toString()).map(FileStore::id);
        return catalog.inTransaction(tx -> {
            if (configured.isPresent()) {
                return tx.storage().stats(projectId, configured.get());
            }
            StorageConnection c = tx.storage().find(projectId, id).orElseThrow(Connections::notFound);
            return tx.storage().stats(projectId, c.storageId());
        });
    }

    /**
     * Opens the connection afresh and writes, reads back and deletes a probe object, timing each step; stops at the
     * first failure, which it names with a message that carries no secret, or at the settings' check timeout.
     */
    public StorageCheck test(UUID projectId, UUID id) {
        StorageConnection c = get(projectId, id);
        return StorageProbe.check(c, () -> stores.open(c), stores.settings().checkTimeout());
    }

    /**
     * Seals again, under the primary master key, every secret sealed under an older one; returns how many. Safe to
     * run on several instances at once. A secret sealed under a key that is not configured here stays as it is (a
     * warning counts them): another instance may hold that key.
     */
    public int resealSecrets() {
        if (stores.settings().secrets() == null) {
            return 0;
        }
        int resealed = 0;
        int unopenable = 0;
        String lastProblem = null;
        UUID after = null;
        while (true) {
            UUID from = after;
            List<StorageConnection> page = catalog.inTransaction(tx -> tx.storage().listAll(from, 100));
            for (StorageConnection c : page) {
                if (c.sealedSecret() != null && !stores.settings().secrets().isCurrent(c.sealedSecret())) {
                    try {
                        resealed += reseal(c) ? 1 : 0;
                    } catch (IllegalArgumentException e) {
                        unopenable++;
                        lastProblem = e.getMessage();
                    }
                }
            }
            if (page.size() < 100) {
                break;
            }
            after = page.get(page.size() - 1).id();
        }
        if (unopenable > 0) {
            LOG.warn("{} storage connection secrets cannot be opened with the configured master keys, so those "
                    + "connections fail here; instances sharing a database need the same master key. {}", unopenable,
                    lastProblem);
        }
        return resealed;
    }

    private boolean reseal(StorageConnection c) {
        return catalog.inTransaction(tx -> {
            Optional<StorageConnection> locked = tx.storage().lock(c.projectId(), c.id());
            if (locked.isEmpty() || stores.settings().secrets().isCurrent(locked.get().sealedSecret())) {
                return false;
            }
            String context = c.storageId();
            String plain = stores.settings().secrets().open(locked.get().sealedSecret(), context);
            tx.storage().update(locked.get().withSealedSecret(stores.settings().secrets().seal(plain, context)));
            return true;
        });
    }

    private static Optional<UUID> parseId(String storageId) {
        try {
            return storageId != null && storageId.length() == 36 ? Optional.of(UUID.fromString(storageId))
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static StorageSummary summary(StorageConnection c) {
        return new StorageSummary(c.id(), c.projectId(), c.name(), c.provider().wireName(), c.bucket());
    }

    private static UploadException notFound() {
        return UploadException.notFound("Storage");
    }
}
