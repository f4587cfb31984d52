package dev.uploadkit.servlet;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The servlet tells its {@link RequestObserver} about every answered request, errors and file bytes included. */
class RequestObserverTest {
    @TempDir
    Path dir;

    private final BlockingQueue<RequestOutcome> seen = new LinkedBlockingQueue<>();

    @Test
    void uploadsDownloadsAndErrorsAreObserved() throws Exception {
        try (TestServer server = TestServer.builder(dir).servlet(b -> b.observer(seen::add)).start()) {
            byte[] bytes = TestContent.random(7, 12_345);
            String uuid = server.uploaded("seen.bin", bytes).get("uuid").asText();
            RequestOutcome upload = next();
            assertTrue(upload.isUpload());
            assertEquals(201, upload.status());
            assertEquals(Optional.empty(), upload.error());
            assertEquals(12_345, upload.bytes());

            assertEquals(206, server.send(server.request("files/" + uuid + "/download", server.key)
                    .header("Range", "bytes=0-99")).status());
            RequestOutcome download = next();
            assertTrue(download.isDownload());
            assertEquals(206, download.status());
            assertEquals(100, download.bytes());

            assertEquals(401, server.get("files", null).status());
            RequestOutcome refused = next();
            assertEquals("files", refused.route());
            assertEquals(Optional.of(ErrorCode.UNAUTHENTICATED), refused.error());
            assertEquals(0, refused.bytes());

            assertEquals(404, server.get("no/such/route").status());
            RequestOutcome unknown = next();
            assertEquals("", unknown.route());
            assertEquals(Optional.of(ErrorCode.NOT_FOUND), unknown.error());

            assertEquals(422, server.upload(server.key, Multipart.form().field("folder", "x")).status());
            RequestOutcome failedUpload = next();
            assertTrue(failedUpload.isUpload());
            assertFalse(failedUpload.succeeded());
            assertEquals(0, failedUpload.bytes());
        }
    }

    @Test
    void aFailingObserverNeverChangesTheAnswer() throws Exception {
        RequestObserver failing = outcome -> {
            throw new IllegalStateException("observer bug");
        };
        try (TestServer server = TestServer.builder(dir).servlet(b -> b.observer(failing.andThen(seen::add))).start()) {
            assertEquals(200, server.get("files").status());
            assertEquals(200, server.get("files").status());
            assertNotNull(next(), "andThen tells the next observer even when the first one fails");
        }
    }

    private RequestOutcome next() {
        try {
            RequestOutcome outcome = seen.poll(30, TimeUnit.SECONDS);
            assertNotNull(outcome, "no request was observed");
            return outcome;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
