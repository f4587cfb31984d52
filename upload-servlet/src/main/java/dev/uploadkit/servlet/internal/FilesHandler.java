package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Page;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadPatch;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;

import dev.uploadkit.core.internal.Problems;
import java.io.IOException;
import java.util.UUID;

/** {@code files/upload}, {@code files} and {@code files/{uuid}}: upload, list, read, change, move to trash. */
final class FilesHandler {
    private final UploadService uploads;
    private final UploadViews views;
    private final MultipartUpload multipart;

    FilesHandler(UploadService uploads, UploadViews views, MultipartUpload multipart) {
        this.uploads = uploads;
        this.views = views;
        this.multipart = multipart;
    }

    void register(Router router) {
        router.add("POST", "files/upload", Access.permission(Permission.FILES_WRITE), this::upload);
        router.add("GET", "files", Access.permission(Permission.FILES_READ), this::list);
        router.add("GET", "files/{uuid}", Access.permission(Permission.FILES_READ), this::get);
        router.add("PATCH", "files/{uuid}", Access.permission(Permission.FILES_WRITE), this::patch);
        router.add("DELETE", "files/{uuid}", Access.permission(Permission.FILES_DELETE), this::trash);
    }

    private void upload(Exchange ex) throws IOException {
        Upload created = multipart.receive(ex);
        ex.transferred(created.sizeBytes());
        ex.response().setHeader("Location", ex.baseUrl() + "/files/" + created.uuid());
        Json.success(ex, 201, views.toJson(created, ex.baseUrl()));
    }

    private void list(Exchange ex) throws IOException {
        ListParams.Parsed params = ListParams.parse(ex, UploadQuery.View.LIVE);
        Page<Upload> page = uploads.list(ex.principal().projectId(), params.query(), params.page(),
                params.exactTotal());
        String base = ex.baseUrl();
        Json.page(ex, page.map(u -> views.toJson(u, base)));
    }

    private void get(Exchange ex) throws IOException {
        Upload upload = uploads.get(ex.principal().projectId(), ex.pathUuid("uuid", "File"));
        Json.success(ex, 200, views.toJson(upload, ex.baseUrl()));
    }

    /**
     * Applies {@code filename}, {@code folder} ({@code null} = root), {@code is_public},
     * {@code content_disposition} and {@code metadata} (replaces the whole map; {@code null} = empty).
     * Unknown fields are ignored.
     */
    private void patch(Exchange ex) throws IOException {
        UUID uuid = ex.pathUuid("uuid", "File");
        JsonFields fields = new JsonFields(Json.readObject(ex));
        Problems problems = fields.problems();
        UploadPatch[] patch = {UploadPatch.none()};
        fields.string("filename").ifPresent(v -> problems.attempt(() -> patch[0] = patch[0].withFilename(v)));
        if (fields.isNull("folder")) {
            patch[0] = patch[0].withFolder("");
        } else {
            fields.string("folder").ifPresent(v -> problems.attempt(() -> patch[0] = patch[0].withFolder(v)));
        }
        fields.bool("is_public").ifPresent(v -> patch[0] = patch[0].withPublic(v));
        fields.string("content_disposition").ifPresent(v -> problems.attempt(() ->
                patch[0] = patch[0].withContentDisposition(ContentDisposition.parse("content_disposition", v))));
        if (fields.isNull("metadata")) {
            patch[0] = patch[0].withMetadata(Metadata.EMPTY);
        } else {
            fields.stringMap("metadata").ifPresent(v -> problems.attempt(() ->
                    patch[0] = patch[0].withMetadata(new Metadata(v))));
        }
        fields.throwIfInvalid();
        Upload updated = patch[0].equals(UploadPatch.none())
                ? uploads.get(ex.principal().projectId(), uuid)
                : uploads.patch(ex.principal().projectId(), uuid, patch[0]);
        Json.success(ex, 200, views.toJson(updated, ex.baseUrl()));
    }

    /** Moves the file to trash and answers the trashed upload object, {@code deleted_at} set. */
    private void trash(Exchange ex) throws IOException {
        Upload trashed = uploads.trash(ex.principal().projectId(), ex.pathUuid("uuid", "File"));
        Json.success(ex, 200, views.toJson(trashed, ex.baseUrl()));
    }
}
