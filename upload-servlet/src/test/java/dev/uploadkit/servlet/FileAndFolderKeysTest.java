package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A local folder cannot hold a file and a folder of one name: a key that would need one where the other is gets a
 * suffix on the clashing segment, whichever comes first, whatever the file's size and whichever project took the
 * name first.
 */
class FileAndFolderKeysTest extends SharedServerTest {
    private static final String SUFFIX = "-[0-9a-f]{8}";

    @Test
    void aFileInAFolderNamedLikeAFileGetsItsFolderSuffixed() {
        JsonNode file = upload(server.key, Multipart.form().file("report", bytes(1, 10)));
        assertEquals("report", file.get("object_key").asText());

        byte[] small = bytes(2, 100);
        JsonNode before = upload(server.key, Multipart.form().field("folder", "report").file("p2.txt", small));
        assertKey("report" + SUFFIX + "/p2\\.txt", before, small);
        assertEquals("report", before.get("folder").asText(), "the upload keeps its folder");

        byte[] large = bytes(3, 64 * 1024 + 1);
        JsonNode after = upload(server.key, Multipart.form().file("p3.bin", large).field("folder", "report/deeper"));
        assertKey("report" + SUFFIX + "/deeper/p3\\.bin", after, large);
        assertKey("report", file, bytes(1, 10));
    }

    @Test
    void aFileNamedLikeAFolderGetsSuffixed() {
        byte[] inFolder = bytes(4, 100);
        JsonNode first = upload(server.key, Multipart.form().field("folder", "docs").file("a.txt", inFolder));
        assertEquals("docs/a.txt", first.get("object_key").asText());

        byte[] small = bytes(5, 10);
        assertKey("docs" + SUFFIX, upload(server.key, Multipart.form().file("docs", small)), small);
        byte[] large = bytes(6, 64 * 1024 + 1);
        JsonNode streamed = upload(server.key, Multipart.form().field("folder", "a").file("docs", large));
        assertEquals("a/docs", streamed.get("object_key").asText(), "no clash: another folder");
        byte[] moved = bytes(7, 64 * 1024 + 1);
        assertKey("a/docs" + SUFFIX + "/x", upload(server.key, Multipart.form().file("x", moved)
                .field("folder", "a/docs")), moved);
        assertKey("docs/a\\.txt", first, inFolder);
    }

    @Test
    void anotherProjectsFileDoesNotStopAFolder() {
        TestServer.Tenant other = server.newTenant("other", Permission.FILES_READ, Permission.FILES_WRITE);
        byte[] theirs = bytes(8, 20);
        JsonNode taken = upload(other.key(), Multipart.form().file("invoices", theirs));
        assertEquals("invoices", taken.get("object_key").asText());

        byte[] ours = bytes(9, 20);
        assertKey("invoices" + SUFFIX + "/q2\\.txt",
                upload(server.key, Multipart.form().field("folder", "invoices").file("q2.txt", ours)), ours);
        assertArrayEquals(theirs, server.get("files/" + taken.get("uuid").asText() + "/download", other.key()).body());
    }

    @Test
    void namesThatOnlyStartAlikeDoNotClash() {
        upload(server.key, Multipart.form().file("notes", bytes(10, 10)));
        assertEquals("notes2/a.txt", upload(server.key, Multipart.form().field("folder", "notes2")
                .file("a.txt", bytes(11, 10))).get("object_key").asText());
        assertEquals("notes.txt", upload(server.key, Multipart.form().file("notes.txt", bytes(12, 10)))
                .get("object_key").asText());
        assertEquals("notes-x/a.txt", upload(server.key, Multipart.form().field("folder", "notes-x")
                .file("a.txt", bytes(13, 10))).get("object_key").asText());
    }

    private static JsonNode upload(String key, Multipart form) {
        TestServer.Response response = server.upload(key, form);
        assertEquals(201, response.status(), response.text());
        return response.data();
    }

    /** The upload's key matches {@code pattern}, the file is there on disk and downloads as {@code bytes}. */
    private static void assertKey(String pattern, JsonNode upload, byte[] bytes) {
        String key = upload.get("object_key").asText();
        assertTrue(key.matches(pattern), key + " does not match " + pattern);
        assertTrue(Files.isRegularFile(dir.resolve("files").resolve(key)), key + " is no file on disk");
        assertArrayEquals(bytes, server.get("files/" + upload.get("uuid").asText() + "/download").body());
    }

    private static byte[] bytes(long seed, int size) {
        return TestContent.random(seed, size);
    }
}
