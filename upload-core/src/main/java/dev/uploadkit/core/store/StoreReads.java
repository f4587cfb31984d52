package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.internal.store.StoreFailures;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.options.GetOptions;

import java.io.IOException;
import java.util.Optional;

/** {@link JcloudsFileStore}'s reads of one container: whole objects, ranges and sizes, failures translated. */
final class StoreReads {
    private final String storeId;
    private final BlobStore blobStore;
    private final String container;

    StoreReads(String storeId, BlobStore blobStore, String container) {
        this.storeId = storeId;
        this.blobStore = blobStore;
        this.container = container;
    }

    static UploadException notFound(String storeId, String key) {
        return new UploadException(ErrorCode.NOT_FOUND, "No object '" + key + "' in store '" + storeId + "'.");
    }

    /** Opens the object of {@code key}, kept under {@code placed}, whole or the range cut at its end. */
    StoredObject get(String key, String placed, Optional<ByteRange> range) {
        try {
            if (range.isEmpty()) {
                Blob blob = blobStore.getBlob(container, placed);
                if (blob == null) {
                    throw notFound(storeId, key);
                }
                return new StoredObject(blob.getPayload().openStream(), sizeOf(blob.getMetadata()), Optional.empty());
            }
            BlobMetadata metadata = blobStore.blobMetadata(container, placed);
            if (metadata == null) {
                throw notFound(storeId, key);
            }
            long size = sizeOf(metadata);
            ByteRange served = range.get().within(size);
            Blob blob = blobStore.getBlob(container, placed, GetOptions.Builder.range(served.first(), served.last()));
            if (blob == null) {
                throw notFound(storeId, key);
            }
            return new StoredObject(blob.getPayload().openStream(), size, Optional.of(served));
        } catch (UploadException e) {
            throw e;
        } catch (KeyNotFoundException e) {
            throw notFound(storeId, key);
        } catch (IOException | RuntimeException e) {
            throw StoreFailures.translate("Could not read '" + key + "' from store '" + storeId + "'.", e);
        }
    }

    /** Returns the size of the object of {@code key}, kept under {@code placed}, or empty if there is none. */
    Optional<Long> size(String key, String placed) {
        try {
            BlobMetadata metadata = blobStore.blobMetadata(container, placed);
            return metadata == null ? Optional.empty() : Optional.of(sizeOf(metadata));
        } catch (KeyNotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw StoreFailures.translate("Could not look up '" + key + "' in store '" + storeId + "'.", e);
        }
    }

    private long sizeOf(BlobMetadata metadata) {
        return StoreFailures.sizeOf(storeId, metadata);
    }
}
