package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadStatus;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/** The upload object of the contract (SPEC §3), with its {@code download_url}. */
public final class UploadViews {
    private final DownloadTokens tokens;
    private final BiFunction<UUID, String, Optional<String>> publicBaseUrls;

    public UploadViews(DownloadTokens tokens) {
        this(tokens, (project, storage) -> Optional.empty());
    }

    /** With {@code publicBaseUrls} giving the public base URL of a project's storage, if it has one. */
    public UploadViews(DownloadTokens tokens, BiFunction<UUID, String, Optional<String>> publicBaseUrls) {
        this.tokens = tokens;
        this.publicBaseUrls = publicBaseUrls;
    }

    public ObjectNode toJson(Upload u, String baseUrl) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("uuid", u.uuid().toString());
        n.put("filename", u.filename());
        n.put("folder", u.folder());
        n.put("object_key", u.objectKey());
        n.put("download_url", downloadUrl(u, baseUrl));
        n.put("size_bytes", u.sizeBytes());
        n.put("size_formatted", DataSize.ofBytes(u.sizeBytes()).format());
        n.put("mime_type", u.mimeType());
        n.put("file_hash", u.fileHash().orElse(null));
        n.put("is_public", u.isPublic());
        n.put("content_disposition", u.contentDisposition().wireName());
        n.put("status", u.status().wireName());
        n.put("storage_id", u.storageId());
        n.put("is_stored", u.isStored());
        ObjectNode metadata = n.putObject("metadata");
        u.metadata().entries().forEach(metadata::put);
        if (u.contentInfo() == null) {
            n.putNull("content_info");
        } else {
            ContentInfo info = u.contentInfo();
            ObjectNode c = n.putObject("content_info");
            c.put("mime", info.mime());
            if (info.image() != null) {
                ObjectNode image = c.putObject("image");
                image.put("width", info.image().width());
                image.put("height", info.image().height());
            }
        }
        n.put("deduplicated", u.deduplicated());
        n.put("upload_time_ms", u.uploadTimeMs());
        if (u.error() == null) {
            n.putNull("error");
        } else {
            ObjectNode error = n.putObject("error");
            error.put("code", u.error().code());
            error.put("message", u.error().message());
        }
        n.put("created_at", timestamp(u.createdAt()));
        n.put("updated_at", timestamp(u.updatedAt()));
        n.put("deleted_at", timestamp(u.deletedAt()));
        return n;
    }

    /**
     * Returns the link the bytes are served at, or {@code null} while there are none to serve (not completed,
     * or in trash). A public file in a storage connection with a public base URL is served there, at
     * {@code <base>/<object key>}; another public file's link is permanent and names its project; a private file's is
     * signed and expires.
     */
    String downloadUrl(Upload u, String baseUrl) {
        if (u.status() != UploadStatus.COMPLETED || u.objectKey() == null || u.isTrashed()) {
            return null;
        }
        if (u.isPublic()) {
            Optional<String> publicBase = publicBaseUrls.apply(u.projectId(), u.storageId());
            if (publicBase.isPresent()) {
                return publicBase.get() + "/" + encodeKey(u.objectKey());
            }
        }
        String url = baseUrl + "/files/" + u.uuid() + "/download";
        if (u.isPublic()) {
            return url + "?project=" + u.projectId();
        }
        return url + "?token=" + tokens.issue(u.projectId(), u.uuid());
    }

    /** Percent-encodes each segment of an object key for a URL path, keeping the slashes between them. */
    static String encodeKey(String key) {
        StringBuilder out = new StringBuilder();
        for (String segment : key.split("/", -1)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    /** Formats an instant as ISO-8601 UTC without fractional seconds, e.g. {@code 2025-01-15T10:30:00Z}. */
    public static String timestamp(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
