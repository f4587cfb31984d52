package dev.uploadkit.core.internal.storage;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.internal.store.ObjectKeys;
import dev.uploadkit.core.storage.RemoteCopy;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoredObject;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies an upload's bytes into one of the project's storage connections under a key made from a pattern, streaming
 * from store to store (memory bounded by the target store's part buffers, whatever the size). The copy belongs to the
 * bucket's owner: no upload record is made for it, and it never replaces an object already under its key.
 */
public final class RemoteCopies {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final Catalog catalog;
    private final ConnectionLocator locator;

    public RemoteCopies(Catalog catalog, ConnectionLocator locator) {
        this.catalog = catalog;
        this.locator = locator;
    }

    /**
     * Copies upload {@code uuid} to connection {@code storageId} under {@code pattern} (null: {@link
     * RemoteCopy#DEFAULT_PATTERN}).
     *
     * @throws UploadException {@code NOT_FOUND} for an unknown, trashed or incomplete upload, or a storage that is not
     *     one of the project's connections; {@code VALIDATION_ERROR} on {@code pattern} for an unknown placeholder or
     *     a key that is not valid; {@code CONFLICT} if an object already lives under the key; {@code STORAGE_ERROR}
     */
    public RemoteCopy copy(UUID projectId, UUID uuid, String storageId, String pattern, boolean makePublic) {
        Upload upload = catalog.inTransaction(tx -> tx.uploads().find(projectId, uuid))
                .filter(u -> !u.isTrashed() && u.status() == UploadStatus.COMPLETED && u.objectKey() != null)
                .orElseThrow(() -> UploadException.notFound("File"));
        StorageConnection target = parse(storageId)
                .flatMap(id -> catalog.inTransaction(tx -> tx.storage().find(projectId, id)))
                .orElseThrow(() -> UploadException.notFound("Storage"));
        String key = key(pattern == null || pattern.isBlank() ? RemoteCopy.DEFAULT_PATTERN : pattern, upload);
        FileStore source = locator.locate(projectId, upload.storageId()).orElseThrow(() -> new UploadException(
                ErrorCode.STORAGE_ERROR, "The store " + upload.storageId() + " is not configured."));
        FileStore destination = locator.storeOf(target);
        boolean taken = catalog.inTransaction(tx -> tx.blobs().writing(target.storageId(), key))
                || destination.size(key).isPresent();
        if (taken) {
            throw new UploadException(ErrorCode.CONFLICT, "An object already lives under " + key + " in that storage; "
                    + "choose another pattern.");
        }
        long size;
        try (StoredObject object = source.get(upload.objectKey(), Optional.empty());
             InputStream in = object.content()) {
            size = destination.put(key, in, upload.mimeType());
        } catch (IOException e) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "The file could not be read for the copy.", e);
        }
        String url = makePublic && target.publicBaseUrl() != null ? target.publicBaseUrl() + "/" + key : null;
        return new RemoteCopy(target.storageId(), key, size, url);
    }

    /** Replaces {@code ${folder}}, {@code ${uuid}}, {@code ${filename}} and {@code ${ext}} and checks the key. */
    static String key(String pattern, Upload upload) {
        String filename = upload.filename();
        int dot = filename.lastIndexOf('.');
        Map<String, String> values = Map.of("folder", upload.folder(), "uuid", upload.uuid().toString(),
                "filename", filename, "ext", dot > 0 ? filename.substring(dot) : "");
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw UploadException.validation("pattern", "Unknown placeholder ${" + m.group(1) + "}; use ${folder}, "
                        + "${uuid}, ${filename} and ${ext}.");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        String key = out.toString().replaceAll("/{2,}", "/").replaceAll("^/|/$", "");
        try {
            ObjectKeys.check(key);
        } catch (UploadException e) {
            throw UploadException.validation("pattern", "The pattern gives the key '" + key + "', which "
                    + e.getMessage().replaceFirst("^The object key ", ""));
        }
        return key;
    }

    private static Optional<UUID> parse(String storageId) {
        try {
            return storageId != null && storageId.length() == 36 ? Optional.of(UUID.fromString(storageId))
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
