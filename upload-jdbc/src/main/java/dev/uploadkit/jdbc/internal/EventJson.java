package dev.uploadkit.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.StorageSummary;
import dev.uploadkit.core.event.UploadEvent;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An {@link UploadEvent} as the JSON text of an outbox row's payload: every field of the event and of its upload (or storage connection),
 * instants as ISO-8601 strings, enums by wire name. Reading what {@link #write} wrote gives an equal event.
 */
final class EventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {
    }

    static String write(UploadEvent event) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", event.id().toString());
        root.put("type", event.type().wireName());
        root.put("occurred_at", event.occurredAt().toString());
        if (event.storage() != null) {
            StorageSummary st = event.storage();
            ObjectNode storage = root.putObject("storage");
            storage.put("id", st.id().toString());
            storage.put("project_id", st.projectId().toString());
            storage.put("name", st.name());
            storage.put("provider", st.provider());
            storage.put("bucket", st.bucket());
            return toText(root);
        }
        if (event.permanent()) {
            root.put("permanent", true);
        }
        Upload u = event.upload();
        ObjectNode up = root.putObject("upload");
        up.put("uuid", u.uuid().toString());
        up.put("project_id", u.projectId().toString());
        up.put("filename", u.filename());
        up.put("folder", u.folder());
        up.put("object_key", u.objectKey());
        up.put("blob_id", u.blobId());
        up.put("size_bytes", u.sizeBytes());
        up.put("mime_type", u.mimeType());
        up.put("sha256", u.sha256());
        up.put("is_public", u.isPublic());
        up.put("content_disposition", u.contentDisposition().wireName());
        up.put("status", u.status().wireName());
        up.put("storage_id", u.storageId());
        up.put("is_stored", u.isStored());
        ObjectNode metadata = up.putObject("metadata");
        u.metadata().entries().forEach(metadata::put);
        if (u.contentInfo() != null) {
            ObjectNode info = up.putObject("content_info");
            info.put("mime", u.contentInfo().mime());
            if (u.contentInfo().image() != null) {
                info.put("width", u.contentInfo().image().width());
                info.put("height", u.contentInfo().image().height());
            }
        }
        up.put("deduplicated", u.deduplicated());
        up.put("upload_time_ms", u.uploadTimeMs());
        up.put("created_at", u.createdAt().toString());
        up.put("updated_at", u.updatedAt().toString());
        up.put("deleted_at", u.deletedAt() == null ? null : u.deletedAt().toString());
        up.put("source_url", u.sourceUrl());
        if (u.error() != null) {
            ObjectNode error = up.putObject("error");
            error.put("code", u.error().code());
            error.put("message", u.error().message());
        }
        return toText(root);
    }

    private static String toText(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UploadException(ErrorCode.INTERNAL_ERROR, "The event could not be encoded.", e);
        }
    }

    static UploadEvent read(String json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root.has("storage")) {
                JsonNode st = root.get("storage");
                return UploadEvent.ofStorage(UUID.fromString(root.get("id").asText()),
                        EventType.parse("type", root.get("type").asText()), instant(root, "occurred_at"),
                        new StorageSummary(UUID.fromString(st.get("id").asText()),
                                UUID.fromString(st.get("project_id").asText()), text(st, "name"),
                                text(st, "provider"), text(st, "bucket")));
            }
            JsonNode u = root.required("upload");
            Map<String, String> metadata = new LinkedHashMap<>();
            u.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
            JsonNode info = u.get("content_info");
            ContentInfo contentInfo = info == null || info.isNull() ? null : new ContentInfo(info.get("mime").asText(),
                    info.has("width") ? new ContentInfo.ImageInfo(info.get("width").asInt(), info.get("height").asInt())
                            : null);
            JsonNode error = u.get("error");
            Upload upload = new Upload.Builder()
                    .uuid(UUID.fromString(u.get("uuid").asText()))
                    .projectId(UUID.fromString(u.get("project_id").asText()))
                    .filename(text(u, "filename")).folder(text(u, "folder")).objectKey(text(u, "object_key"))
                    .blobId(u.hasNonNull("blob_id") ? u.get("blob_id").asLong() : null)
                    .sizeBytes(u.get("size_bytes").asLong()).mimeType(text(u, "mime_type")).sha256(text(u, "sha256"))
                    .isPublic(u.get("is_public").asBoolean())
                    .contentDisposition(ContentDisposition.parse("content_disposition", text(u, "content_disposition")))
                    .status(UploadStatus.parse("status", text(u, "status")))
                    .storageId(text(u, "storage_id")).isStored(u.get("is_stored").asBoolean())
                    .metadata(new Metadata(metadata)).contentInfo(contentInfo)
                    .deduplicated(u.get("deduplicated").asBoolean()).uploadTimeMs(u.get("upload_time_ms").asLong())
                    .createdAt(instant(u, "created_at")).updatedAt(instant(u, "updated_at"))
                    .deletedAt(instant(u, "deleted_at"))
                    .error(error == null || error.isNull() ? null
                            : new UploadError(error.get("code").asText(), error.get("message").asText()))
                    .sourceUrl(u.hasNonNull("source_url") ? u.get("source_url").asText() : null)
                    .build();
            return new UploadEvent(UUID.fromString(root.get("id").asText()),
                    EventType.parse("type", root.get("type").asText()), instant(root, "occurred_at"), upload, null,
                    root.path("permanent").asBoolean(false));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new UploadException(ErrorCode.INTERNAL_ERROR, "A stored event is not a valid event payload.", e);
        }
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private static Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : Instant.parse(text);
    }
}
