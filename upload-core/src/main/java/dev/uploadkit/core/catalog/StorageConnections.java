package dev.uploadkit.core.catalog;

import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageStats;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Projects' storage connections, within one transaction. Every lookup is scoped to a project: another project's
 * connection is never found. Secrets are stored as sealed by the caller ({@link StorageConnection#sealedSecret()});
 * this view never sees plaintext.
 */
public interface StorageConnections {

    /** Inserts a connection. */
    void insert(StorageConnection connection);

    /** Returns the project's connection with this id. */
    Optional<StorageConnection> find(UUID projectId, UUID id);

    /** Like {@link #find}, locking the row until the transaction ends. */
    Optional<StorageConnection> lock(UUID projectId, UUID id);

    /** Returns the project's connections, oldest first. */
    List<StorageConnection> list(UUID projectId);

    /** Returns the project's default connection, if it has one. */
    Optional<StorageConnection> findDefault(UUID projectId);

    /** Returns up to {@code limit} connections of every project whose id follows {@code afterId} (null: from the start), by id. */
    List<StorageConnection> listAll(UUID afterId, int limit);

    /** Replaces every field of the connection but its id, project and creation time; false if there is none. */
    boolean update(StorageConnection connection);

    /** Clears the default flag of the project's connections other than {@code keepId} (null: all of them). */
    void clearDefault(UUID projectId, UUID keepId);

    /** Deletes the project's connection; false if there is none. */
    boolean delete(UUID projectId, UUID id);

    /**
     * Returns whether anything of the project lives in this storage: an upload record (trash included) or a blob
     * in any state.
     */
    boolean inUse(UUID projectId, String storageId);

    /** Returns the project's live completed files in this storage, in all and per folder. */
    StorageStats stats(UUID projectId, String storageId);
}
