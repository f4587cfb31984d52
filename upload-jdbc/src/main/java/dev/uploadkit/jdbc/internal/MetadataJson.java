package dev.uploadkit.jdbc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.UploadException;

import java.util.LinkedHashMap;

/**
 * Metadata as a JSON object of strings in a text column. Text rather than a JSON type, because H2 stores a
 * string bound to a JSON column double-encoded and the databases disagree on JSON functions anyway.
 */
final class MetadataJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {
    };

    private MetadataJson() {
    }

    static String write(Metadata metadata) {
        try {
            return MAPPER.writeValueAsString(metadata.entries());
        } catch (JsonProcessingException e) {
            throw new UploadException(ErrorCode.INTERNAL_ERROR, "The metadata could not be encoded.", e);
        }
    }

    static Metadata read(String json) {
        if (json == null || json.isEmpty()) {
            return Metadata.EMPTY;
        }
        try {
            return new Metadata(MAPPER.readValue(json, MAP));
        } catch (JsonProcessingException e) {
            throw new UploadException(ErrorCode.INTERNAL_ERROR, "Stored metadata is not a JSON object of strings.", e);
        }
    }
}
