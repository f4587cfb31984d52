package dev.uploadkit.core.internal;

import dev.uploadkit.core.BulkResult;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.event.UploadEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/** Moving uploads to trash and back, one at a time or in bulk; each move reports its event in its transaction. */
public final class Trashing {
    private final Catalog catalog;
    private final Events events;
    private final Supplier<Instant> clock;

    public Trashing(Catalog catalog, Events events, Supplier<Instant> clock) {
        this.catalog = catalog;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Moves an upload to trash ({@code toTrash}) or out of it.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} if it is already where it is asked to go, or, to
     *     come out of trash, if it was deleted for good (its project's tombstone names it)
     */
    public Upload move(UUID projectId, UUID uuid, boolean toTrash) {
        Instant now = clock.get();
        return catalog.inTransaction(tx -> {
            Optional<Upload> found = tx.uploads().lock(projectId, uuid);
            if (found.isEmpty() && !toTrash && tx.purged().contains(projectId, uuid)) {
                throw new UploadException(ErrorCode.CONFLICT,
                        "The file was deleted permanently and cannot be restored.");
            }
            Upload current = found.orElseThrow(() -> UploadException.notFound("File"));
            if (current.isTrashed() == toTrash) {
                throw new UploadException(ErrorCode.CONFLICT,
                        toTrash ? "The file is already in trash." : "The file is not in trash.");
            }
            Upload next = current.toBuilder().deletedAt(toTrash ? now : null).updatedAt(now).build();
            tx.uploads().update(next);
            events.append(tx, toTrash ? UploadEvent.DELETED : UploadEvent.RESTORED, next);
            return next;
        });
    }

    /**
     * Moves up to {@link BulkResult#MAX_ITEMS} uploads to trash, each in its own transaction, so one that cannot
     * move (unknown, already in trash) leaves the others alone; a uuid named twice counts once.
     *
     * @throws UploadException {@code VALIDATION_ERROR} on {@code uuids} for an empty or too long list
     */
    public BulkResult trashAll(UUID projectId, List<UUID> uuids) {
        if (uuids.isEmpty() || uuids.size() > BulkResult.MAX_ITEMS) {
            throw UploadException.validation("uuids", "Name 1 to " + BulkResult.MAX_ITEMS + " uuids.");
        }
        List<String> done = new ArrayList<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (UUID uuid : new LinkedHashSet<>(uuids)) {
            try {
                move(projectId, uuid, true);
                done.add(uuid.toString());
            } catch (UploadException e) {
                if (e.code() != ErrorCode.NOT_FOUND && e.code() != ErrorCode.CONFLICT) {
                    throw e;
                }
                problems.put(uuid.toString(), e.getMessage());
            }
        }
        return new BulkResult(done, problems);
    }
}
