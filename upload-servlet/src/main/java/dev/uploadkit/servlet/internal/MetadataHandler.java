package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * {@code files/{uuid}/metadata} and {@code files/{uuid}/metadata/{key}}: read all, read, set (the body is a JSON
 * string) and remove one key.
 */
final class MetadataHandler {
    private final UploadService uploads;

    MetadataHandler(UploadService uploads) {
        this.uploads = uploads;
    }

    void register(Router router) {
        router.add("GET", "files/{uuid}/metadata", Access.permission(Permission.FILES_READ), this::all);
        router.add("GET", "files/{uuid}/metadata/{key}", Access.permission(Permission.FILES_READ), this::one);
        router.add("PUT", "files/{uuid}/metadata/{key}", Access.permission(Permission.FILES_WRITE), this::put);
        router.add("DELETE", "files/{uuid}/metadata/{key}", Access.permission(Permission.FILES_WRITE), this::remove);
    }

    private Map<String, String> metadata(Exchange ex) {
        return uploads.get(ex.principal().projectId(), ex.pathUuid("uuid", "File")).metadata().entries();
    }

    private void all(Exchange ex) throws IOException {
        Json.success(ex, 200, metadata(ex));
    }

    private void one(Exchange ex) throws IOException {
        String value = metadata(ex).get(ex.pathParam("key"));
        if (value == null) {
            throw UploadException.notFound("Metadata key");
        }
        Json.success(ex, 200, value);
    }

    private void put(Exchange ex) throws IOException {
        UUID uuid = ex.pathUuid("uuid", "File");
        JsonNode body = Json.parse(Json.readBody(ex));
        if (!body.isTextual()) {
            throw UploadException.validation("value", "The body must be a JSON string, e.g. \"42\".");
        }
        String key = ex.pathParam("key");
        uploads.putMetadata(ex.principal().projectId(), uuid, key, body.textValue());
        Json.success(ex, 200, body.textValue());
    }

    private void remove(Exchange ex) throws IOException {
        String key = ex.pathParam("key");
        uploads.removeMetadata(ex.principal().projectId(), ex.pathUuid("uuid", "File"), key);
        Json.success(ex, 200, new Views.RemovedKeyView(key, true));
    }
}
