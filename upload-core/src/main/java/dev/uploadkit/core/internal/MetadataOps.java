package dev.uploadkit.core.internal;

import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadPatch;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.event.UploadEvent;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One metadata key of an upload at a time: set and remove, within the limits of {@link Metadata}. A change is
 * reported as {@code upload.metadata_updated} in its own transaction; setting a key to the value it has changes
 * nothing and reports nothing.
 */
public final class MetadataOps {
    private final Catalog catalog;
    private final Events events;
    private final Supplier<Instant> clock;

    public MetadataOps(Catalog catalog, Events events, Supplier<Instant> clock) {
        this.catalog = catalog;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Sets {@code key} to {@code value}.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code VALIDATION_ERROR} for a bad key, a value over 512
     *     characters or a 51st key
     */
    public Upload put(UUID projectId, UUID uuid, String key, String value) {
        Metadata.checkKey(key);
        return change(projectId, uuid, entries -> entries.put(key, value));
    }

    /**
     * Removes {@code key}.
     *
     * @throws UploadException {@code NOT_FOUND} for an unknown upload or a key it does not have
     */
    public Upload remove(UUID projectId, UUID uuid, String key) {
        return change(projectId, uuid, entries -> {
            if (entries.remove(key) == null) {
                throw UploadException.notFound("Metadata key");
            }
        });
    }

    /**
     * Changes an upload's name, folder, visibility, disposition or metadata; {@code upload.metadata_updated} when
     * the metadata changed.
     *
     * @throws UploadException {@code NOT_FOUND}
     */
    public Upload patch(UUID projectId, UUID uuid, UploadPatch patch) {
        Instant now = clock.get();
        return catalog.inTransaction(tx -> {
            Upload current = tx.uploads().lock(projectId, uuid).orElseThrow(() -> UploadException.notFound("File"));
            Upload next = patch.applyTo(current).toBuilder().updatedAt(now).build();
            tx.uploads().update(next);
            if (!current.metadata().equals(next.metadata())) {
                events.append(tx, UploadEvent.METADATA_UPDATED, next);
            }
            return next;
        });
    }

    private Upload change(UUID projectId, UUID uuid, java.util.function.Consumer<Map<String, String>> edit) {
        Instant now = clock.get();
        return catalog.inTransaction(tx -> {
            Upload current = tx.uploads().lock(projectId, uuid).orElseThrow(() -> UploadException.notFound("File"));
            Map<String, String> entries = new LinkedHashMap<>(current.metadata().entries());
            edit.accept(entries);
            Metadata next = new Metadata(entries);
            if (next.equals(current.metadata())) {
                return current;
            }
            Upload changed = current.toBuilder().metadata(next).updatedAt(now).build();
            tx.uploads().update(changed);
            events.append(tx, UploadEvent.METADATA_UPDATED, changed);
            return changed;
        });
    }
}
