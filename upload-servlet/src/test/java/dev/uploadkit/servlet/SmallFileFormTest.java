package dev.uploadkit.servlet;

import dev.uploadkit.core.store.StoreIds;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.ForwardingFileStore;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file part of up to 64 KiB is held until the form ends, so fields after it name the object without a move; a
 * larger one streams and moves. The store here refuses moves, which tells the two apart.
 */
class SmallFileFormTest {
    @TempDir
    static Path dir;
    static JcloudsFileStore disk;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        disk = JcloudsFileStore.filesystem("nomove", dir.resolve("nomove"));
        server = TestServer.builder(dir.resolve("local")).extraStore(new NoMoveFileStore(disk)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        disk.close();
    }

    @Test
    void fieldsAfterAFileOfUpTo64KibNameItWithoutAMove() {
        byte[] bytes = TestContent.random(1, 64 * 1024);
        JsonNode u = server.uploaded(server.key, Multipart.form().field("storage_id", "nomove")
                .file("x.bin", bytes).field("folder", "after").field("filename", "named.bin"));
        assertEquals("after/named.bin", u.get("object_key").asText());
        assertEquals(StoreIds.wire("nomove"), u.get("storage_id").asText());
        assertArrayEquals(bytes, server.get("files/" + u.get("uuid").asText() + "/download").body());
        assertTrue(Files.exists(dir.resolve("nomove/files/after/named.bin")));
    }

    @Test
    void aLargerFileStreamsUnderTheFieldsBeforeItAndMovesForFieldsAfterIt() {
        byte[] bytes = TestContent.random(2, 64 * 1024 + 1);
        JsonNode before = server.uploaded(server.key, Multipart.form().field("storage_id", "nomove")
                .field("folder", "first").file("big.bin", bytes));
        assertEquals("first/big.bin", before.get("object_key").asText());

        TestServer.Response after = server.upload(server.key, Multipart.form().field("storage_id", "nomove")
                .file("big2.bin", TestContent.random(3, 64 * 1024 + 1)).field("folder", "later"));
        assertEquals(500, after.status(), after.text());
        assertEquals("STORAGE_ERROR", after.json().get("error").get("code").asText());
        assertTrue(Files.exists(dir.resolve("nomove/files/first/big.bin")));
        List<Path> left = TestContent.filesUnder(dir.resolve("nomove")).stream()
                .filter(p -> p.getFileName().toString().startsWith("big2")).toList();
        assertEquals(List.of(), left, "the failed upload left no object");
        assertEquals(0, server.get("files?search=big2&status=processing").json().get("meta").get("total").asLong());
        assertEquals(0, server.get("files?search=big2").json().get("meta").get("total").asLong());
    }

    /** A real store that refuses to move objects. */
    private static final class NoMoveFileStore extends ForwardingFileStore {
        NoMoveFileStore(FileStore delegate) {
            super(delegate);
        }

        @Override
        public void move(String fromKey, String toKey) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "This store does not move objects.");
        }
    }
}
