package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.StorageService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.storage.RemoteCopy;
import dev.uploadkit.core.storage.StorageCheck;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageRequest;
import dev.uploadkit.core.storage.StorageStats;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code storage}, {@code storage/{id}} and its {@code test}, {@code stats} and {@code default}: a project's own
 * storage connections; and {@code files/{uuid}/remote-copy}, which copies a file into one of them. Secret keys are accepted, never shown: a connection's view says only whether it has one.
 */
final class StorageHandler {
    private final StorageService storage;

    StorageHandler(StorageService storage) {
        this.storage = storage;
    }

    void register(Router router) {
        Access manage = Access.permission(Permission.STORAGE_MANAGE);
        router.add("GET", "storage", manage, this::list);
        router.add("POST", "storage", manage, this::add);
        router.add("GET", "storage/{id}", manage, this::get);
        router.add("PATCH", "storage/{id}", manage, this::update);
        router.add("DELETE", "storage/{id}", manage, this::remove);
        router.add("POST", "storage/{id}/test", manage, this::test);
        router.add("GET", "storage/{id}/stats", Access.anyOf(Permission.STORAGE_MANAGE, Permission.STATS_READ),
                this::stats);
        router.add("POST", "storage/{id}/default", manage, this::makeDefault);
        router.add("POST", "files/{uuid}/remote-copy", Access.permission(Permission.FILES_WRITE), this::remoteCopy);
    }

    private void remoteCopy(Exchange ex) throws IOException {
        UUID uuid = ex.pathUuid("uuid", "File");
        JsonFields f = new JsonFields(Json.readObject(ex));
        Optional<String> storageId = f.requiredString("storage_id");
        Optional<String> pattern = f.string("pattern");
        boolean makePublic = f.bool("make_public").orElse(true);
        f.throwIfInvalid();
        RemoteCopy copy = storage.remoteCopy(ex.principal().projectId(), uuid, storageId.orElseThrow(),
                pattern.orElse(null), makePublic);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("storage_id", copy.storageId());
        data.put("object_key", copy.objectKey());
        data.put("size_bytes", copy.sizeBytes());
        data.put("url", copy.url());
        Json.success(ex, 201, data);
    }

    private void list(Exchange ex) throws IOException {
        Json.list(ex, storage.list(ex.principal().projectId()).stream().map(StorageHandler::view).toList());
    }

    private void add(Exchange ex) throws IOException {
        StorageConnection added = storage.add(ex.principal().projectId(), request(ex));
        Json.success(ex, 201, view(added));
    }

    private void get(Exchange ex) throws IOException {
        Json.success(ex, 200, view(storage.get(ex.principal().projectId(), id(ex))));
    }

    private void update(Exchange ex) throws IOException {
        UUID id = id(ex);
        StorageRequest request = request(ex);
        Json.success(ex, 200, view(storage.update(ex.principal().projectId(), id, request)));
    }

    private void remove(Exchange ex) throws IOException {
        UUID id = id(ex);
        storage.remove(ex.principal().projectId(), id);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id.toString());
        data.put("deleted", true);
        Json.success(ex, 200, data);
    }

    private void test(Exchange ex) throws IOException {
        StorageCheck check = storage.test(ex.principal().projectId(), id(ex));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ok", check.ok());
        data.put("steps", check.steps().stream().map(s -> {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("step", s.step());
            step.put("ok", s.ok());
            step.put("latency_ms", s.latencyMs());
            return step;
        }).toList());
        data.put("failed_step", check.failedStep());
        data.put("error", check.error());
        Json.success(ex, 200, data);
    }

    private void stats(Exchange ex) throws IOException {
        StorageStats stats = storage.stats(ex.principal().projectId(), id(ex));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("storage_id", stats.storageId());
        data.put("files", stats.files());
        data.put("bytes", stats.bytes());
        data.put("folders", stats.folders().stream().map(f -> {
            Map<String, Object> folder = new LinkedHashMap<>();
            folder.put("folder", f.folder());
            folder.put("files", f.files());
            folder.put("bytes", f.bytes());
            return folder;
        }).toList());
        data.put("folders_truncated", stats.foldersTruncated());
        Json.success(ex, 200, data);
    }

    private void makeDefault(Exchange ex) throws IOException {
        Json.success(ex, 200, view(storage.makeDefault(ex.principal().projectId(), id(ex))));
    }

    private static UUID id(Exchange ex) {
        return ex.pathUuid("id", "Storage");
    }

    private static StorageRequest request(Exchange ex) throws IOException {
        JsonFields f = new JsonFields(Json.readObject(ex));
        StorageRequest request = new StorageRequest(f.string("name").orElse(null), f.string("provider").orElse(null),
                f.string("endpoint").orElse(null), f.string("region").orElse(null), f.string("bucket").orElse(null),
                f.string("access_key").orElse(null), f.string("secret_key").orElse(null),
                f.string("public_base_url").orElse(null), f.bool("path_style").orElse(null),
                f.bool("is_default").orElse(null));
        f.throwIfInvalid();
        return request;
    }

    /** The connection as clients see it: every field but the secret key, of which only its presence shows. */
    static Map<String, Object> view(StorageConnection c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", c.id().toString());
        v.put("name", c.name());
        v.put("provider", c.provider().wireName());
        v.put("endpoint", c.endpoint());
        v.put("region", c.region());
        v.put("bucket", c.bucket());
        v.put("access_key", c.accessKey());
        v.put("has_secret_key", c.sealedSecret() != null);
        v.put("public_base_url", c.publicBaseUrl());
        v.put("path_style", c.pathStyle());
        v.put("is_default", c.isDefault());
        v.put("created_at", UploadViews.timestamp(c.createdAt()));
        v.put("updated_at", UploadViews.timestamp(c.updatedAt()));
        return v;
    }

}
