package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.auth.ApiKey;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.catalog.Blob;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Row mappers and the text forms of the enums stored in columns. */
final class Rows {
    /** The upload columns, with the blob's key, for a query on {@code uploads u LEFT JOIN blobs b}. */
    static final String UPLOAD_COLUMNS = "u.uuid, u.project_id, u.filename, u.folder, u.blob_id, u.size_bytes,"
            + " u.mime_type, u.sha256, u.is_public, u.content_disposition, u.status, u.storage_id, u.is_stored,"
            + " u.metadata, u.content_mime, u.image_width, u.image_height, u.deduplicated, u.upload_time_ms,"
            + " u.created_at, u.updated_at, u.deleted_at, u.error_code, u.error_message, u.source_url, b.object_key";
    static final String UPLOADS_WITH_KEY = "uploads u LEFT JOIN blobs b ON b.id = u.blob_id";
    static final String BLOB_COLUMNS =
            "id, project_id, storage_id, object_key, sha256, size_bytes, mime_type, ref_count, state, created_at";

    private Rows() {
    }

    static RowMapper<Upload> upload(Vendor vendor) {
        return (rs, ctx) -> {
            String contentMime = rs.getString("content_mime");
            ContentInfo contentInfo = null;
            if (contentMime != null) {
                int width = rs.getInt("image_width");
                boolean hasImage = !rs.wasNull();
                int height = rs.getInt("image_height");
                hasImage &= !rs.wasNull();
                contentInfo = new ContentInfo(contentMime, hasImage ? new ContentInfo.ImageInfo(width, height) : null);
            }
            String errorCode = rs.getString("error_code");
            UploadError error = errorCode == null ? null : new UploadError(errorCode, rs.getString("error_message"));
            return new Upload(
                    vendor.uuid(rs, "uuid"),
                    vendor.uuid(rs, "project_id"),
                    rs.getString("filename"),
                    rs.getString("folder"),
                    rs.getString("object_key"),
                    nullableLong(rs, "blob_id"),
                    rs.getLong("size_bytes"),
                    rs.getString("mime_type"),
                    rs.getString("sha256"),
                    rs.getBoolean("is_public"),
                    ContentDisposition.valueOf(rs.getString("content_disposition").toUpperCase(Locale.ROOT)),
                    UploadStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                    rs.getString("storage_id"),
                    rs.getBoolean("is_stored"),
                    MetadataJson.read(rs.getString("metadata")),
                    contentInfo,
                    rs.getBoolean("deduplicated"),
                    rs.getLong("upload_time_ms"),
                    vendor.instant(rs, "created_at"),
                    vendor.instant(rs, "updated_at"),
                    vendor.instant(rs, "deleted_at"),
                    error,
                    rs.getString("source_url"));
        };
    }

    static RowMapper<Blob> blob(Vendor vendor) {
        return (rs, ctx) -> new Blob(
                rs.getLong("id"),
                vendor.uuid(rs, "project_id"),
                rs.getString("storage_id"),
                rs.getString("object_key"),
                rs.getString("sha256"),
                rs.getLong("size_bytes"),
                rs.getString("mime_type"),
                rs.getLong("ref_count"),
                blobState(rs.getString("state")),
                vendor.instant(rs, "created_at"));
    }

    static RowMapper<Project> project(Vendor vendor) {
        return (rs, ctx) -> new Project(
                vendor.uuid(rs, "id"),
                rs.getString("name"),
                rs.getString("plan"),
                vendor.instant(rs, "created_at"));
    }

    static RowMapper<ApiKey> apiKey(Vendor vendor) {
        return (rs, ctx) -> new ApiKey(
                vendor.uuid(rs, "id"),
                vendor.uuid(rs, "project_id"),
                rs.getString("name"),
                rs.getString("prefix"),
                rs.getBytes("key_hash"),
                permissions(rs.getString("permissions")),
                rs.getBoolean("is_admin"),
                vendor.instant(rs, "created_at"),
                vendor.instant(rs, "revoked_at"));
    }

    static Blob.State blobState(String text) {
        return Blob.State.valueOf(text.toUpperCase(Locale.ROOT));
    }

    /** Returns the wire names, comma-separated in declaration order. */
    static String permissionsText(Set<Permission> permissions) {
        return permissions.stream().sorted().map(Permission::wireName).collect(Collectors.joining(","));
    }

    /** Parses stored permissions, skipping names this version does not know rather than granting anything. */
    static Set<Permission> permissions(String text) {
        Set<Permission> result = EnumSet.noneOf(Permission.class);
        for (String name : text.split(",")) {
            for (Permission p : Permission.values()) {
                if (p.wireName().equals(name.strip())) {
                    result.add(p);
                }
            }
        }
        return result;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
