package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.EmptyTrashResult;
import dev.uploadkit.core.Page;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;

import java.io.IOException;
import java.util.UUID;

/** {@code files/trash}, {@code files/{uuid}/restore} and {@code files/{uuid}/force}. */
final class TrashHandler {
    private final UploadService uploads;
    private final UploadViews views;

    TrashHandler(UploadService uploads, UploadViews views) {
        this.uploads = uploads;
        this.views = views;
    }

    void register(Router router) {
        router.add("GET", "files/trash", Access.permission(Permission.FILES_READ), this::list);
        router.add("DELETE", "files/trash", Access.permission(Permission.FILES_DELETE), this::empty);
        router.add("POST", "files/{uuid}/restore", Access.permission(Permission.FILES_WRITE), this::restore);
        router.add("DELETE", "files/{uuid}/force", Access.permission(Permission.FILES_DELETE), this::forceDelete);
    }

    private void list(Exchange ex) throws IOException {
        ListParams.Parsed params = ListParams.parse(ex, UploadQuery.View.TRASHED);
        Page<Upload> page = uploads.list(ex.principal().projectId(), params.query(), params.page(),
                params.exactTotal());
        String base = ex.baseUrl();
        Json.page(ex, page.map(u -> views.toJson(u, base)));
    }

    private void empty(Exchange ex) throws IOException {
        EmptyTrashResult result = uploads.emptyTrash(ex.principal().projectId());
        Json.success(ex, 200, Views.EmptyTrashView.of(result));
    }

    private void restore(Exchange ex) throws IOException {
        Upload restored = uploads.restore(ex.principal().projectId(), ex.pathUuid("uuid", "File"));
        Json.success(ex, 200, views.toJson(restored, ex.baseUrl()));
    }

    private void forceDelete(Exchange ex) throws IOException {
        UUID uuid = ex.pathUuid("uuid", "File");
        uploads.forceDelete(ex.principal().projectId(), uuid);
        Json.success(ex, 200, new Views.DeletedFileView(uuid.toString(), true));
    }
}
