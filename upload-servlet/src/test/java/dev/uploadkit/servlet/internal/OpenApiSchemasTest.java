package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uploadkit.core.ErrorCode;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schemas of {@code openapi.json} against the records the servlet answers with ({@link Views}): every record
 * has a schema of its name (without {@code View}), whose properties, all required, are the record's components in
 * the mapper's snake_case; and every {@link ErrorCode} is documented.
 */
class OpenApiSchemasTest {
    private final ObjectNode document = OpenApiHandler.load();
    private final PropertyNamingStrategies.SnakeCaseStrategy snake = new PropertyNamingStrategies.SnakeCaseStrategy();

    @Test
    void everyResponseRecordHasAMatchingSchema() {
        JsonNode schemas = document.get("components").get("schemas");
        List<String> checked = new ArrayList<>();
        for (Class<?> type : Views.class.getDeclaredClasses()) {
            if (!type.isRecord()) {
                continue;
            }
            String name = type.getSimpleName().replaceFirst("View$", "");
            JsonNode schema = schemas.get(name);
            assertNotNull(schema, "no schema " + name + " for " + type.getSimpleName());
            Set<String> components = new TreeSet<>();
            Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).map(snake::translate)
                    .forEach(components::add);
            Set<String> properties = new TreeSet<>();
            schema.get("properties").fieldNames().forEachRemaining(properties::add);
            assertEquals(components, properties, name);
            Set<String> required = new TreeSet<>();
            schema.get("required").forEach(r -> required.add(r.asText()));
            assertEquals(components, required, name + ": every field is always sent");
            checked.add(name);
        }
        assertTrue(checked.contains("Upload") && checked.size() > 15, checked.toString());
    }

    @Test
    void everyErrorCodeIsDocumented() {
        Set<String> documented = new TreeSet<>();
        document.get("components").get("schemas").get("ErrorCode").get("enum").forEach(c -> documented.add(c.asText()));
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(documented.contains(code.name()), code.name());
        }
    }
}
