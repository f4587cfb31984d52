package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code openapi.json} against the running servlet: it passes swagger-parser's validation, it names exactly the
 * routes the router has (no more, no fewer), and the {@code docs} page serves Swagger UI from the webjar.
 * (Schemas against the response records: {@code internal.OpenApiSchemasTest}.)
 */
class OpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder(dir).servlet(b -> b.docs(true)).limitsAndLog().start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void theDocumentIsPublicAndPassesAnOpenApiValidator() {
        TestServer.Response r = server.get("openapi.json", null);
        assertEquals(200, r.status(), r.text());
        assertEquals(server.base(), r.json().get("servers").get(0).get("url").asText());
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(r.text(), null, options);
        assertEquals(List.of(), result.getMessages());
        assertTrue(result.getOpenAPI().getOpenapi().startsWith("3.1"), result.getOpenAPI().getOpenapi());
    }

    @Test
    void everyOperationHasItsOwnOperationIdAndTheHeadersTheServerSends() {
        JsonNode document = server.get("openapi.json", null).json();
        Set<String> ids = new TreeSet<>();
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = document.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                String id = op.getValue().path("operationId").asText("");
                assertTrue(id.matches("[a-z][A-Za-z]+"), op.getKey() + " " + path.getKey() + ": operationId " + id);
                ids.add(id);
                if (!path.getKey().equals("/openapi.json")) {
                    // Inline answers name the rate-limit headers; shared ones through components.responses.
                    op.getValue().get("responses").forEach(answer -> assertTrue(answer.has("$ref")
                            || answer.path("headers").has("X-RateLimit-Remaining"), path.getKey() + " " + answer));
                }
            }
        }
        assertEquals(operations, ids.size(), "operationIds are unique");
        JsonNode responses = document.get("components").get("responses");
        assertTrue(responses.get("RateLimited").path("headers").has("X-RateLimit-Reset"));
        assertTrue(responses.get("Forbidden").path("headers").has("Retry-After"), "QUOTA_EXCEEDED sends it");

        // What a client generator reads from the download operation and its 416, against a real answer.
        JsonNode download = document.get("paths").get("/files/{uuid}/download").get("get");
        assertTrue(download.get("security").toString().contains("apiKey"), "a key is accepted as well as a token");
        TestServer.Tenant t = server.newTenant("range");
        String uuid = server.uploaded(t.key(), Multipart.form().file("r.txt", "0123456789".getBytes()))
                .get("uuid").asText();
        TestServer.Response outside = server.send(server.request("files/" + uuid + "/download", t.key())
                .header("Range", "bytes=50-60").GET());
        assertEquals(416, outside.status());
        assertEquals("bytes */10", outside.header("Content-Range").orElseThrow());
        assertEquals("VALIDATION_ERROR", outside.json().get("error").get("code").asText());
        JsonNode documented = responses.get("RangeNotSatisfiable");
        assertTrue(documented.path("content").has("application/json") && documented.path("headers")
                .has("Content-Range"), documented.toString());
    }

    @Test
    void theValidatorCatchesABrokenDocument() {
        String broken = "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"x\"}, \"paths\": {\"/a\": {\"get\": "
                + "{\"responses\": {\"200\": {\"content\": {\"application/json\": {\"schema\": "
                + "{\"$ref\": \"#/components/schemas/Missing\"}}}}}}}}}";
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(broken, null, new ParseOptions());
        assertTrue(!result.getMessages().isEmpty(), "a missing version, description and schema are reported");
    }

    @Test
    void theDocumentNamesExactlyTheRoutesOfTheRouter() {
        JsonNode paths = server.get("openapi.json", null).json().get("paths");
        Set<String> described = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    described.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey().substring(1));
                }
            });
        }
        Set<String> routed = new TreeSet<>(server.servlet.routes());
        // The Swagger UI page and its files are not part of the API.
        routed.removeIf(r -> r.startsWith("GET docs"));
        assertEquals(routed, described);
    }

    @Test
    void theDocsPageServesSwaggerUiFromTheSameOrigin() {
        TestServer.Response page = server.get("docs", null);
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.text().contains(TestServer.MOUNT + "/openapi.json"), page.text());
        assertTrue(!page.text().contains("://"), "no other origin: " + page.text());
        for (String asset : List.of("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js")) {
            TestServer.Response r = server.get("docs/" + asset, null);
            assertEquals(200, r.status(), asset);
            assertTrue(r.body().length > 1000, asset);
        }
        assertEquals(404, server.get("docs/index.html", null).status());
        int traversal = server.get("docs/..%2f..%2fMETA-INF%2fMANIFEST.MF", null).status();
        assertTrue(traversal == 400 || traversal == 404, "refused: " + traversal);
    }

    @Test
    void docsAreOffUnlessTurnedOn(@TempDir Path other) throws Exception {
        try (TestServer plain = TestServer.start(other)) {
            assertEquals(404, plain.get("docs", null).status());
            assertEquals(200, plain.get("openapi.json", null).status());
        }
    }
}
