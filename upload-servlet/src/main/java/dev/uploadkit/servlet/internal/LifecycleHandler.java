package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * {@code files/{uuid}/cancel}, {@code files/bulk-cancel}, {@code files/{uuid}/storage} and {@code files/storage}:
 * cancelling uploads in progress and storing unstored ones.
 */
final class LifecycleHandler {
    /** The most uuids of one bulk request. */
    static final int MAX_BULK = 100;

    private final UploadService uploads;
    private final UploadViews views;

    LifecycleHandler(UploadService uploads, UploadViews views) {
        this.uploads = uploads;
        this.views = views;
    }

    void register(Router router) {
        Access write = Access.permission(Permission.FILES_WRITE);
        router.add("POST", "files/{uuid}/cancel", write, this::cancel);
        router.add("POST", "files/bulk-cancel", write, ex -> {
            Bulk done = bulk(ex, uploads::cancel);
            Json.success(ex, 200, new Views.BulkCancelView(done.succeeded(), done.problems()));
        });
        router.add("PUT", "files/{uuid}/storage", write, this::store);
        router.add("PUT", "files/storage", write, ex -> {
            Bulk done = bulk(ex, uploads::store);
            Json.success(ex, 200, new Views.BulkStoreView(done.succeeded(), done.problems()));
        });
    }

    private void cancel(Exchange ex) throws IOException {
        Upload cancelled = uploads.cancel(ex.principal().projectId(), ex.pathUuid("uuid", "File"));
        Json.success(ex, 200, views.toJson(cancelled, ex.baseUrl()));
    }

    private void store(Exchange ex) throws IOException {
        Upload stored = uploads.store(ex.principal().projectId(), ex.pathUuid("uuid", "File"));
        Json.success(ex, 200, views.toJson(stored, ex.baseUrl()));
    }

    /**
     * {@code {"uuids": [...]}}, 1 to 100: applies {@code action} to each; returns the uuids it succeeded for and the
     * problems, uuid → reason.
     */
    private record Bulk(List<String> succeeded, Map<String, String> problems) {
    }

    private static Bulk bulk(Exchange ex, BiFunction<UUID, UUID, Upload> action) throws IOException {
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Optional<List<String>> uuids = fields.stringList("uuids");
        if (!fields.has("uuids")) {
            fields.problems().add("uuids", "The uuids field is required.");
        } else if (uuids.isPresent() && (uuids.get().isEmpty() || uuids.get().size() > MAX_BULK)) {
            fields.problems().add("uuids", "Send 1 to " + MAX_BULK + " uuids, not " + uuids.get().size() + ".");
        }
        fields.throwIfInvalid();
        UUID projectId = ex.principal().projectId();
        List<String> succeeded = new ArrayList<>();
        Map<String, String> problems = new LinkedHashMap<>();
        Set<UUID> seen = new HashSet<>();
        for (String text : uuids.orElseThrow()) {
            Optional<UUID> uuid = Exchange.parseUuid(text);
            if (uuid.isEmpty()) {
                problems.put(text, "Not a valid uuid.");
                continue;
            }
            if (!seen.add(uuid.get())) {
                continue; // a uuid named twice counts once, as in bulk-delete
            }
            try {
                action.apply(projectId, uuid.get());
                succeeded.add(uuid.get().toString());
            } catch (UploadException e) {
                problems.put(text, e.getMessage());
            }
        }
        return new Bulk(succeeded, problems);
    }
}
