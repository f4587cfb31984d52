package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Names;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The form fields of one multipart upload, each validated as it arrives. The file is streamed when its part
 * arrives, so it is received with the fields that preceded it ({@link #request}); the upload is then completed with
 * every field of the form ({@link #finalRequest}), a later value replacing an earlier one, so that the order of the
 * parts does not matter.
 */
final class UploadForm {
    private static final String METADATA_PREFIX = "metadata[";
    /** The name a file whose own name is unusable is received under until a {@code filename} field names it. */
    private static final String PROVISIONAL_NAME = "file";
    /** The fields a blank value leaves unset. */
    private static final Set<String> OPTIONAL = Set.of("filename", "is_public", "content_disposition", "store",
            "storage_id");

    private final UUID projectId;
    private String filename;
    private String folder;
    private Boolean isPublic;
    private ContentDisposition disposition;
    private Boolean isStored;
    private String storageId;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private String partFilename;

    UploadForm(UUID projectId) {
        this.projectId = projectId;
    }

    /** Returns whether {@code name} is a field of the upload form (any other is ignored, unread). */
    static boolean knows(String name) {
        return switch (name) {
            case "filename", "folder", "is_public", "content_disposition", "store", "storage_id", "metadata" -> true;
            default -> name.startsWith(METADATA_PREFIX) && name.endsWith("]");
        };
    }

    /**
     * Validates and records one field; unknown fields are ignored, and so is a blank optional one, as an HTML form
     * sends an input left empty ({@code folder} blank is the root, as ever).
     */
    void field(String name, String value) {
        if (value.isBlank() && OPTIONAL.contains(name)) {
            return;
        }
        switch (name) {
            case "filename" -> filename = Names.neutralFilename("filename", value);
            case "folder" -> folder = Names.neutralFolder("folder", value);
            case "is_public" -> isPublic = ListParams.parseBoolean("is_public", value);
            case "content_disposition" -> disposition = ContentDisposition.parse("content_disposition", value.strip());
            case "store" -> isStored = parseStore(value);
            case "storage_id" -> storageId = value.strip();
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
    }

    /**
     * Returns the request for the file part, from the fields so far; named {@code partFilename} unless a
     * {@code filename} field preceded it.
     */
    UploadRequest request(String partFilename) {
        if (filename == null && partFilename == null) {
            throw UploadException.validation("file", "The file field must be a file.");
        }
        if (filename == null && partFilename.isEmpty()) {
            throw UploadException.validation("file", "The file field is required.");
        }
        // The name the file had on the client's machine, without the directory path some clients send
        // (C:\Users\me\photo.jpg, ../x), which RFC 7578 §4.2 says not to use; the filename and folder fields are
        // neutralised alike (SPEC §3: neutralised, not passed through).
        this.partFilename = partFilename == null ? null : Names.lastSegment(partFilename);
        if (filename == null && !Names.isFilename(this.partFilename)) {
            // A filename field may still follow the file: it is received under a provisional name meanwhile, and
            // the form's end refuses it unless such a field came.
            return named(PROVISIONAL_NAME);
        }
        return finalRequest();
    }

    /** Returns the request of the whole form: every field, the last value of each winning. */
    UploadRequest finalRequest() {
        String name = filename != null ? filename : partFilename;
        Names.checkFilename("filename", name);
        return named(name);
    }

    private UploadRequest named(String name) {
        return new UploadRequest(projectId, name, folder, Boolean.TRUE.equals(isPublic),
                disposition, new Metadata(metadata), storageId, isStored == null || isStored, null);
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
        throw UploadException.validation("store", "The store must be true or false (or 1, 0, auto).");
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
