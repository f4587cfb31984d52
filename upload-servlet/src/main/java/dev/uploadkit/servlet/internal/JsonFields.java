package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.uploadkit.core.internal.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to the fields of a JSON object body. A field of the wrong JSON type is recorded as a
 * problem naming the field; {@link #throwIfInvalid()} then answers them all in one {@code VALIDATION_ERROR}.
 */
final class JsonFields {
    private final ObjectNode body;
    private final Problems problems = new Problems();

    JsonFields(ObjectNode body) {
        this.body = body;
    }

    Problems problems() {
        return problems;
    }

    boolean has(String field) {
        return body.has(field);
    }

    /** Returns a field's JSON value as sent, or null if absent. */
    JsonNode raw(String field) {
        return body.get(field);
    }

    boolean isNull(String field) {
        return body.has(field) && body.get(field).isNull();
    }

    /** Returns a string field; absent is empty, {@code null} or another type is a problem. */
    Optional<String> string(String field) {
        JsonNode v = body.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            problems.add(field, "The " + field + " must be a string.");
            return Optional.empty();
        }
        return Optional.of(v.textValue());
    }

    /** Returns an optional string field; absent or {@code null} is empty, another type is a problem. */
    Optional<String> optionalString(String field) {
        return isNull(field) ? Optional.empty() : string(field);
    }

    /** Returns a required string field. */
    Optional<String> requiredString(String field) {
        if (!body.has(field)) {
            problems.add(field, "The " + field + " field is required.");
            return Optional.empty();
        }
        return string(field);
    }

    Optional<Boolean> bool(String field) {
        JsonNode v = body.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            problems.add(field, "The " + field + " must be true or false.");
            return Optional.empty();
        }
        return Optional.of(v.booleanValue());
    }

    /** Returns an object of string values; {@code null} or another type is a problem. */
    Optional<Map<String, String>> stringMap(String field) {
        JsonNode v = body.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            problems.add(field, "The " + field + " must be an object of strings.");
            return Optional.empty();
        }
        Map<String, String> map = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                problems.add(field + "." + e.getKey(), "The " + field + " values must be strings.");
                ok = false;
            } else {
                map.put(e.getKey(), e.getValue().textValue());
            }
        }
        return ok ? Optional.of(map) : Optional.empty();
    }

    /** Returns an array of strings; another type, or a non-string element, is a problem. */
    Optional<List<String>> stringList(String field) {
        JsonNode v = body.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            problems.add(field, "The " + field + " must be an array of strings.");
            return Optional.empty();
        }
        List<String> list = new ArrayList<>();
        for (JsonNode element : v) {
            if (!element.isTextual()) {
                problems.add(field, "The " + field + " must be an array of strings.");
                return Optional.empty();
            }
            list.add(element.textValue());
        }
        return Optional.of(list);
    }

    void throwIfInvalid() {
        problems.throwIfAny();
    }
}
