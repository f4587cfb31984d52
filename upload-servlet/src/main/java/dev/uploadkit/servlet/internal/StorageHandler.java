package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.StorageService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.storage.RemoteCopy;
import dev.uploadkit.core.storage.StorageCheck;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageRequest;
import dev.uploadkit.core.storage.StorageStats;
import dev.uploadkit.core.store.StoreIds;

import java.io.IOException;
import java.util.List;
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
        router.add("GET", "files/{uuid}/remote-copies/{id}", Access.permission(Permission.FILES_READ),
                this::remoteCopyJob);
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
        if (copy.id() == null) {
            Json.success(ex, 201, view(copy));
            return;
        }
        ex.response().setHeader("Location", ex.baseUrl() + "/files/" + uuid + "/remote-copies/" + copy.id());
        Json.success(ex, 202, view(copy));
    }

    private void remoteCopyJob(Exchange ex) throws IOException {
        UUID uuid = ex.pathUuid("uuid", "File");
        UUID id = ex.pathUuid("id", "Remote copy");
        Json.success(ex, 200, view(storage.remoteCopyJob(ex.principal().projectId(), uuid, id)));
    }

    private static Views.RemoteCopyView view(RemoteCopy c) {
        return new Views.RemoteCopyView(c.id() == null ? null : c.id().toString(), c.status(),
                StoreIds.wire(c.storageId()), c.objectKey(), c.sizeBytes(), c.url(),
                c.error() == null ? null : new Views.UploadErrorView(c.error().code(), c.error().message()));
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
        Json.success(ex, 200, new Views.DeletedStorageView(id.toString(), true));
    }

    private void test(Exchange ex) throws IOException {
        StorageCheck check = storage.test(ex.principal().projectId(), id(ex));
        Json.success(ex, 200, new Views.StorageCheckView(check.ok(), check.steps().stream()
                .map(s -> new Views.StorageStepView(s.step(), s.ok(), s.latencyMs())).toList(), check.failedStep(),
                check.error()));
    }

    private void stats(Exchange ex) throws IOException {
        StorageStats stats = storage.stats(ex.principal().projectId(), id(ex));
        Json.success(ex, 200, new Views.StorageStatsView(StoreIds.wire(stats.storageId()), stats.files(), stats.bytes(),
                stats.folders().stream().map(f -> new Views.FolderStatsView(f.folder(), f.files(), f.bytes())).toList(),
                stats.foldersTruncated()));
    }

    private void makeDefault(Exchange ex) throws IOException {
        Json.success(ex, 200, view(storage.makeDefault(ex.principal().projectId(), id(ex))));
    }

    private static UUID id(Exchange ex) {
        return ex.pathUuid("id", "Storage");
    }

    private static StorageRequest request(Exchange ex) throws IOException {
        JsonFields f = new JsonFields(Json.readObject(ex));
        // null is "not given", but for public_base_url it clears it, as "" does.
        StorageRequest request = new StorageRequest(f.optionalString("name").orElse(null),
                f.optionalString("provider").orElse(null), f.optionalString("endpoint").orElse(null),
                f.optionalString("region").orElse(null), f.optionalString("bucket").orElse(null),
                f.optionalString("access_key").orElse(null), f.optionalString("secret_key").orElse(null),
                f.isNull("public_base_url") ? "" : f.string("public_base_url").orElse(null),
                f.bool("path_style").orElse(null), f.bool("is_default").orElse(null));
        f.throwIfInvalid();
        return request;
    }

    /** The connection as clients see it: every field but the secret key, of which only its presence shows. */
    static Views.StorageConnectionView view(StorageConnection c) {
        return new Views.StorageConnectionView(c.id().toString(), c.name(), c.provider().wireName(), c.endpoint(), c.region(),
                c.bucket(), c.accessKey(), c.sealedSecret() != null, c.publicBaseUrl(), c.pathStyle(), c.isDefault(),
                UploadViews.timestamp(c.createdAt()), UploadViews.timestamp(c.updatedAt()));
    }

}
