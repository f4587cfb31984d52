package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.BulkResult;
import dev.uploadkit.core.CopyRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;

import dev.uploadkit.core.internal.Problems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@code files/bulk-delete} and {@code files/{uuid}/copy}. */
final class FileOpsHandler {
    private final UploadService uploads;
    private final UploadViews views;

    FileOpsHandler(UploadService uploads, UploadViews views) {
        this.uploads = uploads;
        this.views = views;
    }

    void register(Router router) {
        router.add("POST", "files/bulk-delete", Access.permission(Permission.FILES_DELETE), this::bulkDelete);
        router.add("POST", "files/{uuid}/copy", Access.permission(Permission.FILES_WRITE), this::copy);
    }

    /**
     * Moves up to 100 uploads to trash: {@code {"uuids": [...]}}. A uuid that is malformed, unknown or already in
     * trash is reported under {@code problems} and does not stop the others.
     */
    private void bulkDelete(Exchange ex) throws IOException {
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Optional<List<String>> given = fields.stringList("uuids");
        if (!fields.has("uuids")) {
            fields.problems().add("uuids", "The uuids field is required.");
        }
        given.filter(l -> l.isEmpty() || l.size() > BulkResult.MAX_ITEMS).ifPresent(l -> fields.problems()
                .add("uuids", "The uuids must name 1 to " + BulkResult.MAX_ITEMS + " files."));
        fields.throwIfInvalid();
        List<UUID> valid = new ArrayList<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (String text : given.orElseThrow()) {
            Exchange.parseUuid(text).ifPresentOrElse(valid::add, () -> problems.put(text, "Not a valid uuid."));
        }
        BulkResult result = valid.isEmpty() ? new BulkResult(List.of(), Map.of())
                : uploads.trashAll(ex.principal().projectId(), valid);
        Map<String, String> all = new LinkedHashMap<>(problems);
        all.putAll(result.problems());
        Json.success(ex, 200, new Views.BulkDeleteView(result.done(), all));
    }

    /**
     * Copies an upload: an optional JSON body with {@code folder} ({@code null} = root), {@code filename},
     * {@code store} and {@code storage_id}; no body copies it as it is. Answers 201 with the new upload.
     */
    private void copy(Exchange ex) throws IOException {
        UUID uuid = ex.pathUuid("uuid", "File");
        byte[] body = Json.readBody(ex);
        JsonFields fields = new JsonFields(body.length == 0 ? Json.MAPPER.createObjectNode() : Json.parseObject(body));
        Problems problems = fields.problems();
        String folder = fields.isNull("folder") ? "" : fields.string("folder").orElse(null);
        String filename = fields.string("filename").orElse(null);
        Boolean store = store(fields);
        String storageId = fields.string("storage_id").orElse(null);
        CopyRequest request = problems.attempt(() -> new CopyRequest(folder, filename, store, storageId));
        fields.throwIfInvalid();
        Upload copy = uploads.copy(ex.principal().projectId(), uuid, request);
        ex.response().setHeader("Location", ex.baseUrl() + "/files/" + copy.uuid());
        Json.success(ex, 201, views.toJson(copy, ex.baseUrl()));
    }

    /** {@code store}: a boolean, or Uploadcare's strings {@code "true"}/{@code "false"}/{@code "1"}/{@code "0"}. */
    private static Boolean store(JsonFields fields) {
        if (!fields.has("store")) {
            return null;
        }
        return fields.problems().attempt(() -> {
            JsonNode v = fields.raw("store");
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            if (v.isTextual()) {
                return ListParams.parseBoolean("store", v.textValue());
            }
            throw dev.uploadkit.core.UploadException.validation("store", "The store must be true or false.");
        });
    }
}
