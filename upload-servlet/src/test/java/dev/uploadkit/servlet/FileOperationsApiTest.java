package dev.uploadkit.servlet;

import dev.uploadkit.core.store.StoreIds;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code files/bulk-delete}, {@code files/{uuid}/copy} and the metadata routes over HTTP. */
class FileOperationsApiTest {
    @TempDir
    Path dir;
    @TempDir
    Path otherDir;
    TestServer server;
    JcloudsFileStore other;

    @AfterEach
    void stop() throws Exception {
        server.close();
        if (other != null) {
            other.close();
        }
    }

    private String uploaded(String name, byte[] bytes) {
        return server.uploaded(name, bytes).get("uuid").asText();
    }

    @Test
    void bulkDeleteTrashesWhatItCanAndExplainsTheRest() {
        server = TestServer.start(dir);
        String a = uploaded("a.txt", "a".getBytes(StandardCharsets.UTF_8));
        String b = uploaded("b.txt", "b".getBytes(StandardCharsets.UTF_8));
        server.send("DELETE", "files/" + b, server.key, null);
        String unknown = "00000000-0000-0000-0000-000000000000";

        TestServer.Response r = server.send("POST", "files/bulk-delete", server.key,
                "{\"uuids\": [\"" + a + "\", \"" + b + "\", \"" + unknown + "\", \"nope\"]}");
        assertEquals(200, r.status(), r.text());
        assertEquals(List.of(a), list(r.data().get("deleted")));
        JsonNode problems = r.data().get("problems");
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.has(b) && problems.has(unknown) && problems.has("nope"), problems.toString());
        assertEquals(2, server.get("files/trash").json().get("meta").get("total").asInt());

        assertEquals(422, server.send("POST", "files/bulk-delete", server.key, "{\"uuids\": []}").status());
        assertEquals(422, server.send("POST", "files/bulk-delete", server.key, "{}").status());
        assertEquals(422, server.send("POST", "files/bulk-delete", server.key, "{\"uuids\": \"" + a + "\"}").status());
        String many = ("\"" + a + "\",").repeat(100) + "\"" + a + "\"";
        assertEquals(422, server.send("POST", "files/bulk-delete", server.key, "{\"uuids\": [" + many + "]}").status());
        assertEquals(403, server.send("POST", "files/bulk-delete", server.keyWith(Permission.FILES_WRITE),
                "{\"uuids\": [\"" + a + "\"]}").status());
    }

    @Test
    void aCopyIsANewUploadOfTheSameBlob() {
        server = TestServer.start(dir);
        byte[] bytes = TestContent.random(3, 20_000);
        String source = uploaded("orig.bin", bytes);
        int files = server.storedFiles().size();

        TestServer.Response r = server.send("POST", "files/" + source + "/copy", server.key,
                "{\"folder\": \"copies\", \"filename\": \"dup.bin\", \"store\": false}");
        assertEquals(201, r.status(), r.text());
        JsonNode copy = r.data();
        assertNotEquals(source, copy.get("uuid").asText());
        assertEquals("copies", copy.get("folder").asText());
        assertEquals("dup.bin", copy.get("filename").asText());
        assertFalse(copy.get("is_stored").asBoolean());
        assertTrue(copy.get("deduplicated").asBoolean());
        assertEquals(server.base() + "/files/" + copy.get("uuid").asText(), r.header("Location").orElseThrow());
        assertEquals(files, server.storedFiles().size(), "no bytes copied");

        TestServer.Response bare = server.send(server.request("files/" + source + "/copy", server.key)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, bare.status(), bare.text());
        assertEquals("orig.bin", bare.data().get("filename").asText());

        server.send("DELETE", "files/" + source + "/force", server.key, null);
        TestServer.Response download = server.get("files/" + copy.get("uuid").asText() + "/download");
        assertArrayEquals(bytes, download.body());

        assertEquals(404, server.send("POST", "files/" + source + "/copy", server.key, "{}").status());
        assertEquals(422, server.send("POST", "files/" + copy.get("uuid").asText() + "/copy", server.key,
                "{\"filename\": \"../x\"}").status());
        assertEquals(422, server.send("POST", "files/" + copy.get("uuid").asText() + "/copy", server.key,
                "{\"store\": \"perhaps\"}").status());
    }

    @Test
    void aCopyIntoAnotherStoreHasItsOwnBytes() {
        other = JcloudsFileStore.filesystem("other", otherDir);
        server = TestServer.builder(dir).extraStore(other).start();
        byte[] bytes = TestContent.random(4, 100_000);
        String source = uploaded("move.bin", bytes);
        TestServer.Response r = server.send("POST", "files/" + source + "/copy", server.key,
                "{\"storage_id\": \"other\"}");
        assertEquals(201, r.status(), r.text());
        assertEquals(StoreIds.wire("other"), r.data().get("storage_id").asText());
        assertEquals(1, TestContent.filesUnder(otherDir).size());
        assertArrayEquals(bytes, server.get("files/" + r.data().get("uuid").asText() + "/download").body());
        assertEquals(404, server.send("POST", "files/" + source + "/copy", server.key,
                "{\"storage_id\": \"nowhere\"}").status());
    }

    @Test
    void metadataRoutesReadSetAndRemoveOneKey() {
        server = TestServer.start(dir);
        String u = uploaded("m.txt", "meta".getBytes(StandardCharsets.UTF_8));
        String path = "files/" + u + "/metadata";
        assertEquals(0, server.get(path).data().size());

        TestServer.Response set = server.send("PUT", path + "/order_id", server.key, "\"42\"");
        assertEquals(200, set.status(), set.text());
        assertEquals("42", set.data().asText());
        assertEquals("42", server.get(path + "/order_id").data().asText());
        assertEquals("42", server.get(path).data().get("order_id").asText());
        assertEquals("42", server.get("files/" + u).data().get("metadata").get("order_id").asText());

        assertEquals(404, server.get(path + "/missing").status());
        assertEquals(422, server.send("PUT", path + "/bad%20key", server.key, "\"v\"").status());
        assertEquals(422, server.send("PUT", path + "/k", server.key, "42").status());
        assertEquals(422, server.send("PUT", path + "/k", server.key, "\"" + "x".repeat(513) + "\"").status());
        assertEquals(400, server.send("PUT", path + "/k", server.key, "unquoted").status());

        TestServer.Response removed = server.send("DELETE", path + "/order_id", server.key, null);
        assertEquals(200, removed.status(), removed.text());
        assertEquals("order_id", removed.data().get("key").asText());
        assertEquals(404, server.send("DELETE", path + "/order_id", server.key, null).status());
        assertEquals(403, server.send("PUT", path + "/k", server.keyWith(Permission.FILES_READ), "\"v\"").status());
        assertEquals(404, server.get("files/00000000-0000-0000-0000-000000000000/metadata").status());
    }

    private static List<String> list(JsonNode array) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
