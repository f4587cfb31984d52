package dev.uploadkit.servlet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.StorageSummary;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.internal.webhook.WebhookPayloads;
import dev.uploadkit.core.testing.TestUploads;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

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
    void theWebhookPayloadsAreTheDocumentedOnes() throws Exception {
        JsonNode schemas = document.get("components").get("schemas");
        assertEquals(Set.of("uploadEvent", "storageEvent", "testEvent"), names(document.get("webhooks")));
        Upload upload = TestUploads.upload(UUID.randomUUID()).metadata(new Metadata(Map.of("k", "v")))
                .error(new UploadError("STORAGE_ERROR", "no")).build();
        JsonNode uploadEvent = Json.MAPPER.readTree(WebhookPayloads.event(new UploadEvent(UUID.randomUUID(),
                UploadEvent.COMPLETED, TestUploads.T0, upload), u -> "https://files.example.com/x?token=t"));
        JsonNode storageEvent = Json.MAPPER.readTree(WebhookPayloads.event(UploadEvent.ofStorage(UUID.randomUUID(),
                EventType.STORAGE_CONNECTED, TestUploads.T0, new StorageSummary(UUID.randomUUID(), UUID.randomUUID(),
                        "media", "minio", "bucket")), u -> null));
        JsonNode testEvent = Json.MAPPER.readTree(WebhookPayloads.test(UUID.randomUUID(), TestUploads.T0));
        for (Map.Entry<String, JsonNode> sent : Map.of("WebhookUploadEvent", uploadEvent, "WebhookStorageEvent",
                storageEvent, "WebhookTestEvent", testEvent).entrySet()) {
            JsonNode schema = schemas.get(sent.getKey());
            JsonNode body = sent.getValue();
            assertEquals(names(schema.get("properties")), names(body), sent.getKey());
            assertTrue(schema.get("properties").get("event").get("enum").toString()
                    .contains("\"" + body.get("event").asText() + "\""), body.toString());
            JsonNode data = schema.get("properties").get("data");
            String inner = data.get("required").get(0).asText();
            JsonNode innerSchema = data.get("properties").get(inner);
            if (innerSchema.has("$ref")) {
                innerSchema = schemas.get(innerSchema.get("$ref").asText().replace("#/components/schemas/", ""));
            }
            Set<String> required = new TreeSet<>();
            innerSchema.get("required").forEach(r -> required.add(r.asText()));
            assertEquals(names(innerSchema.get("properties")), names(body.get("data").get(inner)), sent.getKey());
            assertEquals(required, names(body.get("data").get(inner)), sent.getKey() + ": all sent, always");
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
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
