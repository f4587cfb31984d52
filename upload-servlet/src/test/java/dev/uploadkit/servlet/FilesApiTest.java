package dev.uploadkit.servlet;

import dev.uploadkit.core.store.StoreIds;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilesApiTest extends SharedServerTest {
    private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

    @Test
    void uploadAnswers201WithTheWholeUploadObject() {
        byte[] png = TestContent.png(80, 60);
        TestServer.Response r = server.upload(server.key, Multipart.form()
                .field("folder", "/uploads/")
                .field("is_public", "false")
                .field("content_disposition", "inline")
                .field("metadata[order_id]", "42")
                .file("photo.png", png));

        assertEquals(201, r.status(), r.text());
        assertTrue(r.json().get("success").asBoolean());
        JsonNode u = r.data();
        String uuid = u.get("uuid").asText();
        assertEquals(uuid, UUID.fromString(uuid).toString());
        assertEquals("photo.png", u.get("filename").asText());
        assertEquals("uploads", u.get("folder").asText());
        assertTrue(u.get("object_key").asText().startsWith("uploads/photo"), u.toString());
        assertEquals(png.length, u.get("size_bytes").asLong());
        assertEquals(DataSize.ofBytes(png.length).format(), u.get("size_formatted").asText());
        assertEquals("image/png", u.get("mime_type").asText());
        assertEquals("sha256:" + TestContent.sha256(png), u.get("file_hash").asText());
        assertFalse(u.get("is_public").asBoolean());
        assertEquals("inline", u.get("content_disposition").asText());
        assertEquals("completed", u.get("status").asText());
        assertEquals(StoreIds.wire("local"), u.get("storage_id").asText());
        assertTrue(u.get("is_stored").asBoolean());
        assertEquals("42", u.get("metadata").get("order_id").asText());
        assertEquals("image/png", u.get("content_info").get("mime").asText());
        assertEquals(80, u.get("content_info").get("image").get("width").asInt());
        assertEquals(60, u.get("content_info").get("image").get("height").asInt());
        assertFalse(u.get("deduplicated").asBoolean());
        assertTrue(u.get("upload_time_ms").asLong() >= 0);
        assertTrue(u.get("created_at").asText().matches(TIMESTAMP), u.get("created_at").asText());
        assertTrue(u.get("updated_at").asText().matches(TIMESTAMP));
        assertTrue(u.get("deleted_at").isNull());
        assertTrue(u.has("error") && u.get("error").isNull(), u.toString());
        assertTrue(u.get("download_url").asText()
                .startsWith(server.base() + "/files/" + uuid + "/download?token="), u.get("download_url").asText());
        assertEquals(server.base() + "/files/" + uuid, r.header("Location").orElseThrow());
        assertTrue(r.header("X-Request-Id").isPresent());
        assertTrue(r.header("Content-Type").orElseThrow().startsWith("application/json"));
    }

    @Test
    void theErrorOfAFailedUploadIsRendered() {
        TestServer.Tenant tenant = server.newTenant("failed uploads");
        JsonNode uploaded = server.uploaded(tenant.key(), Multipart.form().file("cut-off.bin", new byte[] {1, 2, 3}));
        UUID uuid = UUID.fromString(uploaded.get("uuid").asText());
        server.database.catalog().inTransaction(tx -> {
            Upload current = tx.uploads().lock(tenant.projectId(), uuid).orElseThrow();
            return tx.uploads().update(current.toBuilder().status(UploadStatus.FAILED)
                    .error(UploadError.interrupted()).build());
        });

        JsonNode u = server.get("files/" + uuid, tenant.key()).data();
        assertEquals("failed", u.get("status").asText());
        assertEquals(UploadError.INTERRUPTED, u.get("error").get("code").asText(), u.toString());
        assertEquals(UploadError.interrupted().message(), u.get("error").get("message").asText());
        assertEquals(2, u.get("error").size(), "code and message only: " + u.get("error"));
        assertTrue(u.get("download_url").isNull(), "a failed upload has nothing to download");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 200_000}) // a small file is held until the form ends; a larger one streams, then moves
    void fieldsAfterTheFileAreAppliedToTheNewUpload(int size) {
        String name = "renamed-" + size + ".txt";
        byte[] text = size == 0 ? "hello after".getBytes(StandardCharsets.UTF_8) : TestContent.random(45, size);
        JsonNode u = server.uploaded(server.key, Multipart.form()
                .field("metadata[before]", "1")
                .file("original.txt", text)
                .field("filename", name)
                .field("folder", "docs/2025")
                .field("is_public", "true")
                .field("content_disposition", "inline")
                .field("metadata[after]", "2"));

        assertEquals(name, u.get("filename").asText());
        assertEquals("docs/2025", u.get("folder").asText());
        assertTrue(u.get("is_public").asBoolean());
        assertEquals("inline", u.get("content_disposition").asText());
        assertEquals("1", u.get("metadata").get("before").asText());
        assertEquals("2", u.get("metadata").get("after").asText());
        // Named by the form's folder/filename, though they came after the bytes.
        assertEquals("docs/2025/" + name, u.get("object_key").asText());
        // Public, but its storage has no public base URL: the servlet's signed link (SPEC §3).
        assertTrue(u.get("download_url").asText().contains("/download?token="));

        JsonNode again = server.get("files/" + u.get("uuid").asText()).data();
        assertEquals(name, again.get("filename").asText());
        assertEquals("docs/2025", again.get("folder").asText());
        assertEquals(2, again.get("metadata").size());
        assertArrayEquals(text, server.get("files/" + again.get("uuid").asText() + "/download").body());
    }

    @Test
    void aFilePartWithoutAFilenameTakesTheFilenameFieldBeforeIt() {
        JsonNode u = server.uploaded(server.key, Multipart.form().field("filename", "named.txt").field("file", "hello"));
        assertEquals("named.txt", u.get("filename").asText());
        assertEquals("named.txt", u.get("object_key").asText());
        assertEquals(422, server.upload(server.key, Multipart.form().field("file", "hello")).status());
    }

    @Test
    void storeZeroAfterTheFileLeavesTheUploadUnstored() {
        JsonNode u = server.uploaded(server.key, Multipart.form()
                .file("later.bin", TestContent.random(44, 10))
                .field("store", "0"));
        assertFalse(u.get("is_stored").asBoolean());
        assertEquals("later.bin", u.get("object_key").asText());
    }

    @Test
    void filenameFieldBeforeTheFileNamesTheBlobAndStoreZeroKeepsItUnstored() {
        JsonNode u = server.uploaded(server.key, Multipart.form()
                .field("filename", "chosen.bin")
                .field("store", "0")
                .field("metadata", "{\"source\":\"json\"}")
                .file("ignored.bin", TestContent.random(1, 100)));

        assertEquals("chosen.bin", u.get("filename").asText());
        assertTrue(u.get("object_key").asText().startsWith("chosen"));
        assertFalse(u.get("is_stored").asBoolean());
        assertEquals("json", u.get("metadata").get("source").asText());
    }

    @Test
    void identicalBytesAreMarkedDeduplicated() {
        byte[] bytes = TestContent.random(77, 4096);
        JsonNode first = server.uploaded("one.bin", bytes);
        JsonNode second = server.uploaded("two.bin", bytes);

        assertFalse(first.get("deduplicated").asBoolean());
        assertTrue(second.get("deduplicated").asBoolean());
        assertEquals(first.get("object_key").asText(), second.get("object_key").asText());
        assertEquals(first.get("file_hash").asText(), second.get("file_hash").asText());
    }

    @Test
    void getReturnsTheUploadAndUnknownOrMalformedUuidsAreNotFound() {
        JsonNode u = server.uploaded("get.txt", "get me".getBytes(StandardCharsets.UTF_8));
        TestServer.Response found = server.get("files/" + u.get("uuid").asText());
        assertEquals(200, found.status());
        assertEquals(u.get("uuid").asText(), found.data().get("uuid").asText());
        assertEquals(u.get("file_hash").asText(), found.data().get("file_hash").asText());

        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid", "12345",
                u.get("uuid").asText().toUpperCase() + "0")) {
            TestServer.Response missing = server.get("files/" + id);
            assertEquals(404, missing.status(), id);
            assertEquals("NOT_FOUND", missing.errorCode());
            assertFalse(missing.json().get("success").asBoolean());
            assertTrue(missing.json().get("error").get("details").isObject());
        }
    }

    @Test
    void patchChangesNameFolderVisibilityDispositionAndMetadata() {
        JsonNode u = server.uploaded(server.key, Multipart.form().field("metadata[keep]", "no")
                .file("patch.txt", "patch".getBytes(StandardCharsets.UTF_8)));
        String path = "files/" + u.get("uuid").asText();

        TestServer.Response r = server.send("PATCH", path, server.key, """
                {"filename": "naïve résumé.txt", "folder": "a/b", "is_public": true,
                 "content_disposition": "inline", "metadata": {"k": "v"}, "unknown": 1}""");
        assertEquals(200, r.status(), r.text());
        JsonNode p = r.data();
        assertEquals("naïve résumé.txt", p.get("filename").asText());
        assertEquals("a/b", p.get("folder").asText());
        assertTrue(p.get("is_public").asBoolean());
        assertEquals("inline", p.get("content_disposition").asText());
        assertEquals(1, p.get("metadata").size());
        assertEquals("v", p.get("metadata").get("k").asText());
        assertEquals(u.get("object_key").asText(), p.get("object_key").asText());

        JsonNode cleared = server.send("PATCH", path, server.key, "{\"folder\": null, \"metadata\": null}").data();
        assertEquals("", cleared.get("folder").asText());
        assertEquals(0, cleared.get("metadata").size());

        TestServer.Response empty = server.send("PATCH", path, server.key, "{}");
        assertEquals(200, empty.status());
        assertEquals("naïve résumé.txt", empty.data().get("filename").asText());

        assertEquals(404, server.send("PATCH", "files/" + UUID.randomUUID(), server.key, "{}").status());
    }

    @Test
    void deleteMovesToTrashAndAnswersTheTrashedUpload() {
        JsonNode u = server.uploaded("trash-me.txt", "bye".getBytes(StandardCharsets.UTF_8));
        String path = "files/" + u.get("uuid").asText();

        TestServer.Response r = server.send("DELETE", path, server.key, null);
        assertEquals(200, r.status(), r.text());
        assertEquals(u.get("uuid").asText(), r.data().get("uuid").asText());
        assertTrue(r.data().get("deleted_at").asText().matches(TIMESTAMP));
        assertTrue(r.data().get("download_url").isNull());

        assertTrue(server.get(path).data().get("deleted_at").isTextual());
        TestServer.Response again = server.send("DELETE", path, server.key, null);
        assertEquals(409, again.status());
        assertEquals("CONFLICT", again.errorCode());
    }

    @Test
    void listPagesFiltersAndSorts() {
        TestServer.Tenant t = server.newTenant("lister");
        List<String> uuids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            uuids.add(server.uploaded(t.key(), Multipart.form().field("folder", i % 2 == 0 ? "even" : "odd")
                    .field("is_public", Boolean.toString(i == 0))
                    .file("file-" + i + ".bin", TestContent.random(100 + i, 10 + i))).get("uuid").asText());
        }
        server.uploaded(t.key(), Multipart.form().file("picture.png", TestContent.png(4, 4)));

        TestServer.Response all = server.get("files", t.key());
        assertEquals(200, all.status());
        JsonNode meta = all.json().get("meta");
        assertEquals(6, meta.get("total").asInt());
        assertEquals(1, meta.get("current_page").asInt());
        assertEquals(20, meta.get("per_page").asInt());
        assertEquals(1, meta.get("last_page").asInt());
        assertTrue(meta.has("next_cursor"));

        TestServer.Response page = server.get("files?per_page=2&page=2&sort=size_bytes&order=asc", t.key());
        assertEquals(2, page.data().size());
        assertEquals(3, page.json().get("meta").get("last_page").asInt());
        assertEquals(uuids.get(2), page.data().get(0).get("uuid").asText());
        assertEquals(uuids.get(3), page.data().get(1).get("uuid").asText());

        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pageNumber = 0;
        do {
            TestServer.Response p = server.get("files?per_page=4&sort=filename&order=asc"
                    + (cursor == null ? "" : "&cursor=" + cursor), t.key());
            assertEquals(200, p.status(), p.text());
            assertEquals(++pageNumber, p.json().get("meta").get("current_page").asInt(), "a cursor's page knows its number");
            p.data().forEach(n -> walked.add(n.get("filename").asText()));
            cursor = p.json().get("meta").get("next_cursor").isNull() ? null
                    : p.json().get("meta").get("next_cursor").asText();
        } while (cursor != null);
        assertEquals(List.of("file-0.bin", "file-1.bin", "file-2.bin", "file-3.bin", "file-4.bin", "picture.png"),
                walked);
        assertEquals(2, pageNumber);
        assertEquals("file-0.bin", server.get("files?sort=filename", t.key()).data().get(0).get("filename").asText(),
                "names sort from A unless asked otherwise");
        long largest = 0;
        for (JsonNode n : all.data()) {
            largest = Math.max(largest, n.get("size_bytes").asLong());
        }
        assertEquals(largest, server.get("files?sort=size_bytes", t.key()).data().get(0).get("size_bytes").asLong(),
                "sizes from the largest");

        assertEquals(3, server.get("files?folder=even", t.key()).data().size());
        assertEquals(1, server.get("files?mime_type=image/*", t.key()).data().size());
        assertEquals(1, server.get("files?is_public=true", t.key()).data().size());
        assertEquals(1, server.get("files?search=PICT", t.key()).data().size());
        assertEquals(6, server.get("files?status=completed&is_stored=true", t.key()).data().size());
        assertEquals(0, server.get("files?status=pending", t.key()).data().size());
        assertEquals(6, server.get("files?created_from=2000-01-01&created_to=2999-01-01T00:00:00Z", t.key())
                .data().size());
        assertEquals(0, server.get("files?created_to=2000-01-01T00:00:00%2B02:00", t.key()).data().size());
        for (String lenient : List.of("2999-01-01T00:00:00", "2999-01-01%2000:00:00Z", "2999-01-01T01:00:00+01:00",
                "2999-01-01%2001:00:00+01:00")) { // no zone = UTC; a space for T; an offset's '+' sent unencoded
            assertEquals(6, server.get("files?created_to=" + lenient, t.key()).data().size(), lenient);
            assertEquals(0, server.get("files?created_from=" + lenient, t.key()).data().size(), lenient);
        }
        assertEquals(1, server.get("files?mime_type=IMAGE/*", t.key()).data().size(), "types ignore case");
        assertEquals(1, server.get("files?mime_type=Image/PNG", t.key()).data().size());
        String shown = server.get("files?search=PICT", t.key()).data().get(0).get("created_at").asText();
        assertEquals(1, server.get("files?search=PICT&created_from=" + shown + "&created_to=" + shown, t.key())
                .data().size(), "an upper bound as shown takes in the whole second shown");
        TestServer.Response desc = server.get("files?sort=size_bytes&order=desc&per_page=1", t.key());
        assertEquals("picture.png", desc.data().get(0).get("filename").asText());
    }

    @Test
    void routerAnswersUnknownPathsAndWrongMethods() {
        TestServer.Response unknown = server.get("nothing/here");
        assertEquals(404, unknown.status());
        assertEquals("NOT_FOUND", unknown.errorCode());

        TestServer.Response put = server.send("PUT", "files", server.key, "{}");
        assertEquals(405, put.status());
        assertEquals("METHOD_NOT_ALLOWED", put.errorCode());
        assertEquals("GET, HEAD", put.header("Allow").orElseThrow());

        TestServer.Response postTrash = server.send("POST", "files/trash", server.key, "{}");
        assertEquals(405, postTrash.status());
        assertTrue(postTrash.header("Allow").orElseThrow().contains("DELETE"));
        assertTrue(postTrash.header("Allow").orElseThrow().contains("GET"));

        TestServer.Response getUpload = server.get("files/upload");
        assertEquals(405, getUpload.status());
        assertEquals("POST", getUpload.header("Allow").orElseThrow());
    }

    @Test
    void bearerTokenAuthenticatesAndHeadHasNoBody() {
        TestServer.Response bearer = server.send(server.request("files", null)
                .header("Authorization", "Bearer " + server.key).GET());
        assertEquals(200, bearer.status());

        TestServer.Response head = server.send(server.request("files", server.key)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertNotEquals("0", head.header("Content-Length").orElse("0"));
    }
}
