package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.testing.OriginServer;
import dev.uploadkit.core.testing.Poll;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * URL imports count in the usage as uploads with their bytes, as form uploads do: a synchronous one with its
 * request, an asynchronous one when the background work completes it; a failed one counts nothing.
 */
class ImportUsageTest {
    @TempDir
    static Path dir;
    static OriginServer origin;
    static TestServer server;
    static BackgroundWork work;

    @BeforeAll
    static void start() {
        origin = new OriginServer().put("sync.bin", TestContent.random(1, 3000))
                .put("async.bin", TestContent.random(2, 700));
        server = TestServer.builder(dir).limitsAndLog()
                .service(b -> b.outboundPolicy(OutboundPolicy.parse("127.0.0.1/32"))).start();
        work = server.backgroundWork().onImportEnded(server.requestLog::imported).build();
        work.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            work.close();
            server.close();
        } finally {
            origin.close();
        }
    }

    @Test
    void syncAndAsyncImportsCountAsUploadsWithTheirBytes() throws Exception {
        byte[] form = TestContent.random(3, 100);
        assertEquals(201, server.upload("form.bin", form).status());
        TestServer.Response sync = server.send("POST", "files/upload-from-url", server.key,
                "{\"url\":\"" + origin.url("files/sync.bin") + "\"}");
        assertEquals(201, sync.status(), sync.text());
        TestServer.Response failed = server.send("POST", "files/upload-from-url", server.key,
                "{\"url\":\"" + origin.url("files/missing.bin") + "\",\"async\":true}");
        assertEquals(202, failed.status(), failed.text());
        TestServer.Response async = server.send("POST", "files/upload-from-url", server.key,
                "{\"url\":\"" + origin.url("files/async.bin") + "\",\"async\":true}");
        assertEquals(202, async.status(), async.text());
        for (TestServer.Response pending : new TestServer.Response[] {failed, async}) {
            String uuid = pending.data().get("uuid").asText();
            assertTrue(Poll.until(() -> !server.get("files/" + uuid).data().get("status").asText().equals("pending")
                    && !server.get("files/" + uuid).data().get("status").asText().equals("processing"),
                    Duration.ofSeconds(20)), uuid);
        }
        assertEquals("completed", server.get("files/" + async.data().get("uuid").asText()).data()
                .get("status").asText());

        assertTrue(server.requestLog.awaitWritten(Duration.ofSeconds(10)));
        JsonNode uploads = server.get("usage").data().path("totals").path("uploads");
        assertEquals(3, uploads.path("count").asLong(), uploads.toString());
        assertEquals(100 + 3000 + 700, uploads.path("bytes").asLong(), uploads.toString());
    }
}
