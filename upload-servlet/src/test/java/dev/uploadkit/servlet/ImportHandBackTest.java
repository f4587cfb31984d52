package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.catalog.ImportJobs;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.testing.OriginServer;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static dev.uploadkit.servlet.AsyncImportApiTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A graceful stop ({@link BackgroundWork#close()}) hands the imports it is running back at once: pending again, their
 * partial bytes gone, the attempt not counted; the next start runs them from the beginning to the end.
 */
class ImportHandBackTest {
    @TempDir
    Path dir;

    @Test
    void aGracefulStopHandsRunningImportsBackAtOnceAndTheNextStartCompletesThem() throws Exception {
        byte[] bytes = TestContent.random(21, 1 << 20);
        try (OriginServer origin = new OriginServer().put("big.bin", bytes);
             TestServer server = TestServer.builder(dir).maxFileSize(DataSize.ofMebibytes(8))
                     .service(b -> b.outboundPolicy(OutboundPolicy.parse("127.0.0.1/32"))
                             .importTimeout(Duration.ofMinutes(2)))
                     .start()) {
            BackgroundWork first = work(server);
            first.start();
            TestServer.Response enqueued = server.send("POST", "files/upload-from-url", server.key,
                    "{\"url\":\"" + origin.url("/slow/big.bin") + "\",\"async\":true}");
            assertEquals(202, enqueued.status(), enqueued.text());
            String uuid = enqueued.data().get("uuid").asText();
            AsyncImportApiTest.awaitStatus(server, uuid, "processing");
            await(() -> origin.activeDrips() == 1 ? Boolean.TRUE : null, "the source to drip");
            await(() -> server.storedFiles().stream().anyMatch(p -> p.getFileName().toString().endsWith(".part"))
                    ? Boolean.TRUE : null, "partial bytes to be written");

            long closing = System.nanoTime();
            first.close();
            long took = System.nanoTime() - closing;
            assertTrue(took < Duration.ofSeconds(3).toNanos(), "handed back at once, took " + took / 1_000_000
                    + " ms");
            JsonNode handedBack = server.get("files/" + uuid).data();
            assertEquals("pending", handedBack.get("status").asText(), handedBack.toString());
            assertEquals(java.util.List.of(), server.storedFiles(), "no partial bytes");
            ImportJobs.Job job = server.database.catalog().inTransaction(tx -> tx.imports()
                    .find(server.project.id(), UUID.fromString(uuid))).orElseThrow();
            assertEquals(0, job.attempts(), "a hand-back is not a failed attempt");
            await(() -> origin.activeDrips() == 0 ? Boolean.TRUE : null, "the source to be let go");

            origin.releaseSlow();
            BackgroundWork second = work(server);
            second.start();
            try {
                JsonNode done = AsyncImportApiTest.awaitStatus(server, uuid, "completed", "failed");
                assertEquals("completed", done.get("status").asText(), done.toString());
                assertEquals(bytes.length, done.get("size_bytes").asLong());
                assertEquals("sha256:" + TestContent.sha256(bytes), done.get("file_hash").asText());
            } finally {
                second.close();
            }
        }
    }

    private static BackgroundWork work(TestServer server) {
        return server.backgroundWork().build();
    }
}
