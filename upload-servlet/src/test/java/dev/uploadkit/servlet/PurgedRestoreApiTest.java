package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code POST files/{uuid}/restore} of a file deleted for good — by {@code DELETE files/{uuid}/force},
 * {@code DELETE files/trash}, the trash purge or the removal of unstored files — answers 409 {@code CONFLICT}
 * (SPEC §2); every other route, and another project's key, answers 404 for it.
 */
class PurgedRestoreApiTest {
    @TempDir
    static Path dir;
    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder(dir).service(b -> b.clock(CLOCK)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String upload(TestServer.Tenant t, String name, boolean store) {
        return server.uploaded(t.key(), Multipart.form().field("store", Boolean.toString(store))
                .file(name, (name + " content").getBytes(StandardCharsets.UTF_8))).get("uuid").asText();
    }

    private static int status(String method, String path, TestServer.Tenant t) {
        return server.send(method, path, t.key(), null).status();
    }

    /** Restore is 409 CONFLICT; the file is 404 to every other route and to another project's key. */
    private static void assertGoneForGood(TestServer.Tenant t, String uuid) {
        TestServer.Response restore = server.send("POST", "files/" + uuid + "/restore", t.key(), null);
        assertEquals(409, restore.status(), restore.text());
        assertEquals("CONFLICT", restore.errorCode());
        assertEquals(false, restore.json().get("success").asBoolean());

        TestServer.Tenant stranger = server.newTenant("stranger");
        TestServer.Response foreign = server.send("POST", "files/" + uuid + "/restore", stranger.key(), null);
        assertEquals(404, foreign.status(), foreign.text());
        assertEquals("NOT_FOUND", foreign.errorCode());

        String file = "files/" + uuid;
        assertEquals(404, status("GET", file, t));
        assertEquals(404, server.send("PATCH", file, t.key(), "{\"filename\": \"back.txt\"}").status());
        assertEquals(404, status("GET", file + "/download", t));
        assertEquals(404, status("GET", file + "/metadata", t));
        assertEquals(404, server.send("POST", file + "/copy", t.key(), "{}").status());
        assertEquals(404, status("DELETE", file, t));
        assertEquals(404, status("DELETE", file + "/force", t));
        assertEquals(404, status("POST", "files/" + UUID.randomUUID() + "/restore", t), "never existed");
    }

    @Test
    void restoreAfterForceDeleteIsAConflict() {
        TestServer.Tenant t = server.newTenant("force");
        String live = upload(t, "live.txt", true);
        String trashed = upload(t, "trashed.txt", true);
        assertEquals(200, status("DELETE", "files/" + trashed, t));

        assertEquals(200, status("DELETE", "files/" + live + "/force", t));
        assertEquals(200, status("DELETE", "files/" + trashed + "/force", t));

        assertGoneForGood(t, live);
        assertGoneForGood(t, trashed);
    }

    @Test
    void restoreAfterEmptyingTheTrashIsAConflict() {
        TestServer.Tenant t = server.newTenant("empty");
        String a = upload(t, "a.txt", true);
        String kept = upload(t, "kept.txt", true);
        assertEquals(200, status("DELETE", "files/" + a, t));

        TestServer.Response emptied = server.send("DELETE", "files/trash", t.key(), null);
        assertEquals(200, emptied.status(), emptied.text());
        assertEquals(1, emptied.data().get("deleted").asLong());

        assertGoneForGood(t, a);
        assertEquals(200, status("GET", "files/" + kept, t));
    }

    @Test
    void restoreAfterTheRetentionPurgeIsAConflict() {
        TestServer.Tenant t = server.newTenant("retention");
        String old = upload(t, "old.txt", true);
        assertEquals(200, status("DELETE", "files/" + old, t));
        server.uploads.purgeTrash(Duration.ofDays(30));
        assertEquals(200, status("POST", "files/" + old + "/restore", t), "still within the retention");
        assertEquals(200, status("DELETE", "files/" + old, t));

        CLOCK.advance(Duration.ofDays(31));
        server.uploads.purgeTrash(Duration.ofDays(30));

        assertGoneForGood(t, old);
    }

    @Test
    void restoreAfterTheRemovalOfAnUnstoredFileIsAConflict() {
        TestServer.Tenant t = server.newTenant("unstored");
        String unstored = upload(t, "unstored.txt", false);
        CLOCK.advance(Duration.ofHours(25));
        server.uploads.removeUnstored(Duration.ofHours(24));

        assertGoneForGood(t, unstored);
    }
}
