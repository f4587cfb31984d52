package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Names;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadPatch;
import dev.uploadkit.core.UploadRequest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The form fields of one multipart upload, each validated as it arrives. Fields that precede the file shape
 * the {@link UploadRequest}; fields that follow it (the file is streamed when it arrives, so they cannot be
 * known earlier) become an {@link UploadPatch} applied right after. {@code store} and {@code storage_id} decide
 * where and how the bytes are written, so after the file they must repeat what was used.
 */
final class UploadForm {
    private static final String METADATA_PREFIX = "metadata[";

    private final UUID projectId;
    private String filename;
    private String folder;
    private Boolean isPublic;
    private ContentDisposition disposition;
    private Boolean isStored;
    private String storageId;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private boolean fileSeen;
    private String laterFilename;
    private String laterFolder;
    private Boolean laterPublic;
    private ContentDisposition laterDisposition;
    private boolean laterMetadata;
    private Boolean laterStored;
    private String laterStorageId;

    UploadForm(UUID projectId) {
        this.projectId = projectId;
    }

    /** Validates and records one field; unknown fields are ignored. */
    void field(String name, String value) {
        switch (name) {
            case "filename" -> {
                Names.checkFilename("filename", value);
                if (fileSeen) {
                    laterFilename = value;
                } else {
                    filename = value;
                }
            }
            case "folder" -> {
                String normalized = Names.normalizeFolder("folder", value);
                if (fileSeen) {
                    laterFolder = normalized;
                } else {
                    folder = normalized;
                }
            }
            case "is_public" -> {
                boolean v = ListParams.parseBoolean("is_public", value);
                if (fileSeen) {
                    laterPublic = v;
                } else {
                    isPublic = v;
                }
            }
            case "content_disposition" -> {
                ContentDisposition v = ContentDisposition.parse("content_disposition", value.strip());
                if (fileSeen) {
                    laterDisposition = v;
                } else {
                    disposition = v;
                }
            }
            case "store" -> {
                Boolean v = parseStore(value);
                if (fileSeen) {
                    laterStored = v == null ? Boolean.TRUE : v;
                } else {
                    isStored = v;
                }
            }
            case "storage_id" -> {
                String v = value.strip();
                if (v.isEmpty()) {
                    throw UploadException.validation("storage_id", "The storage_id must not be empty.");
                }
                if (fileSeen) {
                    laterStorageId = v;
                } else {
                    storageId = v;
                }
            }
            case "metadata" -> putMetadata(parseMetadataObject(value));
            default -> {
                if (name.startsWith(METADATA_PREFIX) && name.endsWith("]")) {
                    String key = name.substring(METADATA_PREFIX.length(), name.length() - 1);
                    Metadata.checkKey(key);
                    putMetadata(Map.of(key, value));
                }
            }
        }
    }

    private void putMetadata(Map<String, String> entries) {
        Map<String, String> next = new LinkedHashMap<>(metadata);
        next.putAll(entries);
        new Metadata(next);
        metadata.clear();
        metadata.putAll(next);
        laterMetadata |= fileSeen;
    }

    /** Returns the request for the file part, named {@code partFilename} unless a {@code filename} field preceded it. */
    UploadRequest request(String partFilename) {
        fileSeen = true;
        String name = filename != null ? filename : partFilename;
        if (name == null) {
            throw UploadException.validation("file", "The file field must be a file.");
        }
        if (name.isEmpty()) {
            throw UploadException.validation("file", "The file field is required.");
        }
        Names.checkFilename("filename", name);
        return new UploadRequest(projectId, name, folder, Boolean.TRUE.equals(isPublic),
                disposition, new Metadata(metadata), storageId, isStored == null || isStored, null);
    }

    /**
     * Returns the change the fields after the file ask of {@code created}, or empty when they ask none.
     *
     * @throws UploadException {@code VALIDATION_ERROR} if {@code store} or {@code storage_id} came after the file
     *     and differ from what the file was stored with
     */
    Optional<UploadPatch> laterPatch(Upload created) {
        if (laterStorageId != null && !laterStorageId.equals(created.storageId())) {
            throw UploadException.validation("storage_id", "The storage_id field must come before the file field.");
        }
        if (laterStored != null && laterStored != created.isStored()) {
            throw UploadException.validation("store", "The store field must come before the file field.");
        }
        UploadPatch patch = UploadPatch.none();
        boolean changed = false;
        if (laterFilename != null && !laterFilename.equals(created.filename())) {
            patch = patch.withFilename(laterFilename);
            changed = true;
        }
        if (laterFolder != null && !laterFolder.equals(created.folder())) {
            patch = patch.withFolder(laterFolder);
            changed = true;
        }
        if (laterPublic != null && laterPublic != created.isPublic()) {
            patch = patch.withPublic(laterPublic);
            changed = true;
        }
        if (laterDisposition != null && laterDisposition != created.contentDisposition()) {
            patch = patch.withContentDisposition(laterDisposition);
            changed = true;
        }
        Metadata all = new Metadata(metadata);
        if (laterMetadata && !all.equals(created.metadata())) {
            patch = patch.withMetadata(all);
            changed = true;
        }
        return changed ? Optional.of(patch) : Optional.empty();
    }

    /** Parses Uploadcare's {@code store}: {@code 1}/{@code true}, {@code 0}/{@code false}, or {@code auto} (null). */
    private static Boolean parseStore(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return null;
        }
        if (v.equals("1") || v.equals("true")) {
            return true;
        }
        if (v.equals("0") || v.equals("false")) {
            return false;
        }
        throw UploadException.validation("store", "The store must be 1, 0 or auto.");
    }

    private static Map<String, String> parseMetadataObject(String value) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(value);
        } catch (JacksonException e) {
            throw invalidMetadata();
        }
        if (node == null || !node.isObject()) {
            throw invalidMetadata();
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw invalidMetadata();
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }

    private static UploadException invalidMetadata() {
        String message = "The metadata must be a JSON object of strings.";
        return new UploadException(ErrorCode.VALIDATION_ERROR, message, Map.of("metadata", List.of(message)), null);
    }
}
