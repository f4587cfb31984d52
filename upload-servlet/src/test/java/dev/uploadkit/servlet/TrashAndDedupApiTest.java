package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrashAndDedupApiTest extends SharedServerTest {

    private static JsonNode upload(TestServer.Tenant t, String name, byte[] bytes) {
        return server.uploaded(t.key(), Multipart.form().file(name, bytes));
    }

    @Test
    void trashListsRestoresAndForceDeletes() {
        TestServer.Tenant t = server.newTenant("trash");
        JsonNode a = upload(t, "a.bin", TestContent.random(1, 100));
        JsonNode b = upload(t, "b.bin", TestContent.random(2, 200));
        upload(t, "c.bin", TestContent.random(3, 300));
        server.send("DELETE", "files/" + a.get("uuid").asText(), t.key(), null);
        server.send("DELETE", "files/" + b.get("uuid").asText(), t.key(), null);

        TestServer.Response trash = server.get("files/trash", t.key());
        assertEquals(200, trash.status());
        assertEquals(2, trash.json().get("meta").get("total").asInt());
        trash.data().forEach(u -> assertTrue(u.get("deleted_at").isTextual()));
        assertEquals(1, server.get("files", t.key()).data().size());
        assertEquals(1, server.get("files/trash?per_page=1", t.key()).data().size());

        TestServer.Response restored = server.send("POST", "files/" + a.get("uuid").asText() + "/restore", t.key(),
                null);
        assertEquals(200, restored.status());
        assertTrue(restored.data().get("deleted_at").isNull());
        assertTrue(restored.data().get("download_url").isTextual());
        assertEquals(2, server.get("files", t.key()).data().size());
        TestServer.Response notTrashed = server.send("POST", "files/" + a.get("uuid").asText() + "/restore",
                t.key(), null);
        assertEquals(409, notTrashed.status());
        assertEquals("CONFLICT", notTrashed.errorCode());

        TestServer.Response forced = server.send("DELETE", "files/" + b.get("uuid").asText() + "/force", t.key(),
                null);
        assertEquals(200, forced.status());
        assertEquals(b.get("uuid").asText(), forced.data().get("uuid").asText());
        assertTrue(forced.data().get("deleted").asBoolean());
        assertEquals(404, server.get("files/" + b.get("uuid").asText(), t.key()).status());
        assertEquals(404, server.send("DELETE", "files/" + b.get("uuid").asText() + "/force", t.key(), null)
                .status());
        assertEquals(404, server.send("POST", "files/" + UUID.randomUUID() + "/restore", t.key(), null).status());
        assertEquals(404, server.send("POST", "files/xyz/restore", t.key(), null).status());
    }

    @Test
    void forceDeleteOfALiveFileRemovesItsBlob() {
        TestServer.Tenant t = server.newTenant("force");
        int before = server.storedFiles().size();
        JsonNode u = upload(t, "live.bin", TestContent.random(4, 1234));
        assertEquals(before + 1, server.storedFiles().size());
        assertEquals(200, server.send("DELETE", "files/" + u.get("uuid").asText() + "/force", t.key(), null).status());
        assertEquals(before, server.storedFiles().size());
    }

    @Test
    void emptyingTheTrashReportsDeletedRecordsAndFreedBytes() {
        TestServer.Tenant t = server.newTenant("empty");
        byte[] shared = TestContent.random(5, 1000);
        JsonNode a = upload(t, "a.bin", shared);
        JsonNode b = upload(t, "b.bin", TestContent.random(6, 500));
        JsonNode keep = upload(t, "keep.bin", shared);
        server.send("DELETE", "files/" + a.get("uuid").asText(), t.key(), null);
        server.send("DELETE", "files/" + b.get("uuid").asText(), t.key(), null);

        TestServer.Response r = server.send("DELETE", "files/trash", t.key(), null);
        assertEquals(200, r.status(), r.text());
        assertEquals(2, r.data().get("deleted").asLong());
        // a's blob is still referenced by keep: only b's bytes are freed.
        assertEquals(500, r.data().get("bytes_freed").asLong());
        assertEquals(0, server.get("files/trash", t.key()).data().size());
        assertEquals(200, server.get(keep.get("download_url").asText(), null).status());

        TestServer.Response again = server.send("DELETE", "files/trash", t.key(), null);
        assertEquals(0, again.data().get("deleted").asLong());
        assertEquals(0, again.data().get("bytes_freed").asLong());
    }

    @Test
    void checkHashFindsLiveFilesByEitherForm() {
        TestServer.Tenant t = server.newTenant("hash");
        byte[] bytes = TestContent.random(7, 321);
        JsonNode u = upload(t, "h.bin", bytes);
        String hex = TestContent.sha256(bytes);

        for (String hash : new String[] {hex, "sha256:" + hex, hex.toUpperCase(Locale.ROOT),
                "SHA256:" + hex.toUpperCase(Locale.ROOT), " Sha256:" + hex + " "}) {
            TestServer.Response r = server.send("POST", "files/check-hash", t.key(), "{\"hash\": \"" + hash + "\"}");
            assertEquals(200, r.status(), r.text());
            assertTrue(r.data().get("exists").asBoolean());
            assertEquals(u.get("uuid").asText(), r.data().get("upload").get("uuid").asText());
        }
        TestServer.Response missing = server.send("POST", "files/check-hash", t.key(),
                "{\"hash\": \"" + "0".repeat(64) + "\"}");
        assertFalse(missing.data().get("exists").asBoolean());
        assertTrue(missing.data().get("upload").isNull());
    }

    @Test
    void deduplicationStatsCountFilesBlobsAndSavings() {
        TestServer.Tenant t = server.newTenant("stats");
        byte[] a = TestContent.random(8, 3000);
        byte[] b = TestContent.random(9, 1000);
        upload(t, "a1.bin", a);
        upload(t, "a2.bin", a);
        upload(t, "b.bin", b);

        TestServer.Response r = server.get("files/deduplication-stats", t.key());
        assertEquals(200, r.status());
        JsonNode s = r.data();
        assertEquals(3, s.get("total_files").asLong());
        assertEquals(2, s.get("unique_blobs").asLong());
        assertEquals(1, s.get("duplicate_files").asLong());
        assertEquals(7000, s.get("logical_bytes").asLong());
        assertEquals(4000, s.get("stored_bytes").asLong());
        assertEquals(3000, s.get("bytes_saved").asLong());
        assertEquals(42.86, s.get("savings_percent").asDouble(), 0.001);
    }

    @Test
    void statsNeedFilesReadOrStatsRead() {
        assertEquals(200, server.get("files/deduplication-stats", server.keyWith(Permission.STATS_READ)).status());
        assertEquals(200, server.get("files/deduplication-stats", server.keyWith(Permission.FILES_READ)).status());
        TestServer.Response r = server.get("files/deduplication-stats", server.keyWith(Permission.KEYS_MANAGE));
        assertEquals(403, r.status());
        assertEquals("FORBIDDEN", r.errorCode());
    }
}
