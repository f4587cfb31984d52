package dev.uploadkit.core.internal.store;

import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoreIds;
import dev.uploadkit.core.store.StoreLocator;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The server's configured stores, the same for every project; the host owns and closes them. */
public final class FixedStores implements StoreLocator {
    private final Map<String, FileStore> stores;
    /** The same stores under the UUIDs clients see ({@link StoreIds#wire}). */
    private final Map<String, FileStore> byWireId;
    private final FileStore defaultStore;

    public FixedStores(List<FileStore> stores, String defaultId) {
        Map<String, FileStore> byId = new LinkedHashMap<>();
        for (FileStore store : stores) {
            if (byId.putIfAbsent(store.id(), store) != null) {
                throw new IllegalArgumentException("store: two stores have the id '" + store.id()
                        + "'; give each store a unique id");
            }
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("store: none given; add a FileStore such as "
                    + "JcloudsFileStore.filesystem(...)");
        }
        if (!byId.containsKey(defaultId)) {
            throw new IllegalArgumentException("defaultStore: '" + defaultId + "' is not one of the added stores "
                    + byId.keySet());
        }
        this.stores = Map.copyOf(byId);
        Map<String, FileStore> wire = new LinkedHashMap<>();
        byId.forEach((id, store) -> wire.put(StoreIds.wire(id), store));
        this.byWireId = Map.copyOf(wire);
        this.defaultStore = byId.get(defaultId);
    }

    /** Returns the configured store with this id, or with this id as clients see it, whatever the project. */
    public Optional<FileStore> byId(String storageId) {
        FileStore store = stores.get(storageId);
        return store != null || storageId == null ? Optional.ofNullable(store)
                : Optional.ofNullable(byWireId.get(storageId.toLowerCase(Locale.ROOT)));
    }

    /** Returns the id of the default store. */
    public String defaultId() {
        return defaultStore.id();
    }

    @Override
    public Optional<FileStore> locate(UUID projectId, String storageId) {
        return byId(storageId);
    }

    @Override
    public FileStore defaultFor(UUID projectId) {
        return defaultStore;
    }

    @Override
    public Collection<FileStore> openStores() {
        return stores.values();
    }

    @Override
    public void close() {
        // The host's stores: the host closes them.
    }
}
