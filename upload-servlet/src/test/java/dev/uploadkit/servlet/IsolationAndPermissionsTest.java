package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IsolationAndPermissionsTest extends SharedServerTest {

    @Test
    void anotherProjectsFilesAreInvisibleEverywhere() {
        TestServer.Tenant a = server.newTenant("project A");
        TestServer.Tenant b = server.newTenant("project B");
        byte[] bytes = TestContent.random(11, 2222);
        JsonNode file = server.uploaded(a.key(), Multipart.form().file("secret.bin", bytes));
        String path = "files/" + file.get("uuid").asText();

        List<TestServer.Response> attempts = List.of(
                server.get(path, b.key()),
                server.send("PATCH", path, b.key(), "{\"filename\": \"stolen.bin\"}"),
                server.send("DELETE", path, b.key(), null),
                server.send("POST", path + "/restore", b.key(), null),
                server.send("DELETE", path + "/force", b.key(), null),
                server.get(path + "/download", b.key()));
        for (TestServer.Response r : attempts) {
            assertEquals(404, r.status(), r.text());
            assertEquals("NOT_FOUND", r.errorCode());
        }

        TestServer.Response hash = server.send("POST", "files/check-hash", b.key(),
                "{\"hash\": \"" + TestContent.sha256(bytes) + "\"}");
        assertFalse(hash.data().get("exists").asBoolean());
        assertEquals(0, server.get("files", b.key()).data().size());
        assertEquals(0, server.get("files/trash", b.key()).data().size());
        JsonNode stats = server.get("files/deduplication-stats", b.key()).data();
        assertEquals(0, stats.get("total_files").asLong());
        assertEquals(0, stats.get("logical_bytes").asLong());
        assertEquals(0, server.send("DELETE", "files/trash", b.key(), null).data().get("deleted").asLong());

        JsonNode intact = server.get(path, a.key()).data();
        assertEquals("secret.bin", intact.get("filename").asText());
        assertTrue(intact.get("deleted_at").isNull());
        assertEquals(1, server.get("files/deduplication-stats", a.key()).data().get("total_files").asLong());
    }

    @Test
    void theSameBytesInTwoProjectsAreNotDeduplicatedAcrossThem() {
        TestServer.Tenant a = server.newTenant("dedup A");
        TestServer.Tenant b = server.newTenant("dedup B");
        byte[] bytes = TestContent.random(12, 500);
        server.uploaded(a.key(), Multipart.form().file("x.bin", bytes));
        JsonNode inB = server.uploaded(b.key(), Multipart.form().file("x.bin", bytes));
        assertFalse(inB.get("deduplicated").asBoolean());
        assertEquals(0, server.get("files/deduplication-stats", b.key()).data().get("duplicate_files").asLong());
    }

    @Test
    void aReadOnlyKeyReadsButCannotWriteOrDelete() {
        JsonNode file = server.uploaded("ro.bin", TestContent.random(13, 100));
        String path = "files/" + file.get("uuid").asText();
        String readOnly = server.keyWith(Permission.FILES_READ);
        int storedBefore = server.storedFiles().size();

        TestServer.Response upload = server.upload(readOnly, Multipart.form().file("no.bin", TestContent.random(14, 100)));
        assertEquals(403, upload.status());
        assertEquals("FORBIDDEN", upload.errorCode());
        assertEquals(storedBefore, server.storedFiles().size());

        for (TestServer.Response r : List.of(
                server.send("DELETE", path, readOnly, null),
                server.send("PATCH", path, readOnly, "{\"filename\": \"x.bin\"}"),
                server.send("POST", path + "/restore", readOnly, null),
                server.send("DELETE", path + "/force", readOnly, null),
                server.send("DELETE", "files/trash", readOnly, null),
                server.get("api-keys", readOnly),
                server.get("admin/projects", readOnly))) {
            assertEquals(403, r.status(), r.text());
            assertEquals("FORBIDDEN", r.errorCode());
        }

        assertEquals(200, server.get(path, readOnly).status());
        assertEquals(200, server.get("files", readOnly).status());
        assertEquals(200, server.get(path + "/download", readOnly).status());
        assertEquals(200, server.send("POST", "files/check-hash", readOnly, "{\"hash\": \"" + "a".repeat(64) + "\"}")
                .status());
        assertTrue(server.get(path).data().get("deleted_at").isNull());
    }

    @Test
    void aWriteKeyUploadsButCannotDelete() {
        String write = server.keyWith(Permission.FILES_WRITE);
        TestServer.Response up = server.upload(write, Multipart.form().file("w.bin", TestContent.random(15, 10)));
        assertEquals(201, up.status());
        TestServer.Response del = server.send("DELETE", "files/" + up.data().get("uuid").asText(), write, null);
        assertEquals(403, del.status());
        assertEquals(403, server.get("files", write).status());
    }

    @Test
    void missingUnknownMalformedAndRevokedKeysAre401() {
        String revoked = server.keyWith(Permission.FILES_READ);
        server.access.keys(server.project.id()).stream()
                .filter(k -> revoked.startsWith(k.prefix()))
                .forEach(k -> server.access.revokeKey(server.project.id(), k.id()));

        for (String key : new String[] {null, "abc", "uk_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", revoked,
                server.key + "x"}) {
            TestServer.Response r = server.get("files", key);
            assertEquals(401, r.status(), String.valueOf(key));
            assertEquals("UNAUTHENTICATED", r.errorCode());
            assertEquals(Optional.of("Bearer realm=\"uploadkit\""), r.header("WWW-Authenticate"), "RFC 9110: a scheme");
        }
        TestServer.Response bearer = server.send(server.request("files", null)
                .header("Authorization", "Bearer nope").GET());
        assertEquals(401, bearer.status());
        TestServer.Response basic = server.send(server.request("files", null)
                .header("Authorization", "Basic dXNlcjpwYXNz").GET());
        assertEquals(401, basic.status());
    }
}
