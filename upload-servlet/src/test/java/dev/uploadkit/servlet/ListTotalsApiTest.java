package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code meta.total} and {@code total_relation} (SPEC §2) over HTTP, with a list count limit of 3. */
class ListTotalsApiTest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder(dir).listCountLimit(3).start();
        for (int i = 0; i < 5; i++) {
            server.uploaded(server.key, Multipart.form().field("folder", "a")
                    .file("a-" + i + ".bin", TestContent.random(50 + i, 100 + i)));
        }
        server.uploaded(server.key, Multipart.form().field("folder", "b").file("b.bin", TestContent.random(60, 109)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void unfilteredListsAreCountedExactlyPastTheLimit() {
        JsonNode meta = server.get("files?per_page=2").json().get("meta");
        assertEquals(6, meta.get("total").asInt());
        assertEquals("eq", meta.get("total_relation").asText());
        assertEquals(3, meta.get("last_page").asInt());
        JsonNode trash = server.get("files/trash").json().get("meta");
        assertEquals(0, trash.get("total").asInt());
        assertEquals("eq", trash.get("total_relation").asText());
    }

    @Test
    void filteredListsStopCountingAtTheLimitUnlessAskedForAnExactTotal() {
        JsonNode capped = server.get("files?folder=a&per_page=2").json().get("meta");
        assertEquals(3, capped.get("total").asInt());
        assertEquals("gte", capped.get("total_relation").asText());
        JsonNode exact = server.get("files?folder=a&per_page=2&exact_total=true").json().get("meta");
        assertEquals(5, exact.get("total").asInt());
        assertEquals("eq", exact.get("total_relation").asText());
        JsonNode few = server.get("files?folder=b").json().get("meta");
        assertEquals(1, few.get("total").asInt());
        assertEquals("eq", few.get("total_relation").asText());
        JsonNode beyond = server.get("files?folder=a&per_page=2&page=2").json().get("meta");
        assertEquals("gte", beyond.get("total_relation").asText());
        assertTrue(beyond.get("total").asInt() >= 5, "at least what the pages so far have shown: " + beyond);
        JsonNode last = server.get("files?folder=a&per_page=2&page=3").json().get("meta");
        assertEquals("eq", last.get("total_relation").asText(), "the last page knows the total");
        assertEquals(5, last.get("total").asInt());
    }

    @Test
    void aMalformedExactTotalIsAValidationError() {
        TestServer.Response r = server.get("files?exact_total=maybe");
        assertEquals(422, r.status());
        assertTrue(r.json().get("error").get("details").has("exact_total"), r.text());
    }
}
