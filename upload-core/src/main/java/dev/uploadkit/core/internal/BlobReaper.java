package dev.uploadkit.core.internal;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.store.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Function;

/**
 * Removes the objects of blobs that no record references any more, then their catalog rows.
 *
 * <p>Runs after the transaction that released the blob committed, so a rollback never loses bytes. A blob
 * whose removal fails stays in the catalog as {@code DELETING}, its key still reserved, for a later sweep.
 */
public final class BlobReaper {
    private static final Logger LOG = LoggerFactory.getLogger(BlobReaper.class);

    private final Catalog catalog;
    private final Function<Blob, FileStore> stores;

    public BlobReaper(Catalog catalog, Function<Blob, FileStore> stores) {
        this.catalog = catalog;
        this.stores = stores;
    }

    /**
     * Removes the bytes {@code upload} may still have staged for {@code blob} (see {@link Ingest#storeWhole}), before
     * the blob's object: a force delete right after the upload's commit, before its bytes were renamed into place,
     * then leaves neither (the rename finds no staged file) rather than the renamed file with no blob.
     */
    public void removeStaged(Blob blob, Upload upload) {
        FileStore store = stores.apply(blob);
        if (!upload.deduplicated() && store.movesByRename()) {
            try {
                store.delete(BlobKeys.staging(blob.objectKey(), upload.projectId(), upload.uuid()));
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the staged bytes of upload {}", upload.uuid(), e);
            }
        }
    }

    /**
     * Removes what unfinished writes of each blob's key left in its store ({@link FileStore#discardUnfinishedWrites}),
     * then, as {@link #removeObjects}, its object and row: the reservations of uploads a crash cut off.
     */
    public void removeUnfinished(List<Blob> blobs) {
        for (Blob blob : blobs) {
            try {
                stores.apply(blob).discardUnfinishedWrites(blob.objectKey());
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the unfinished writes of {} in store {}; a later sweep will",
                        blob.objectKey(), blob.storageId(), e);
            }
        }
        removeObjects(blobs);
    }

    /** Removes each blob's object and row; failures are logged and left for a sweep. */
    public void removeObjects(List<Blob> blobs) {
        for (Blob blob : blobs) {
            try {
                stores.apply(blob).delete(blob.objectKey());
                catalog.inTransaction(tx -> {
                    tx.blobs().forget(blob.id());
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("Could not remove blob {} ({} in store {}); it stays marked for deletion",
                        blob.id(), blob.objectKey(), blob.storageId(), e);
            }
        }
    }
}
