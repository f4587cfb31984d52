package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.testing.FaultyTcpProxy;
import dev.uploadkit.core.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads through a proxy that resets, answers 500 to, or cuts the reply of a tenth of the connections: every
 * upload completes byte-exact or fails with {@code STORAGE_ERROR}, and after the multipart sweep the bucket holds
 * exactly the completed objects and no unfinished multipart upload.
 */
class S3ProxyFaultsTest {
    private static final String BUCKET = "faults";
    private static final int UPLOADS = 40;
    private static final int MAX_SIZE = 20 * 1024 * 1024;

    @TempDir
    Path serverDir;

    @Test
    @Timeout(120)
    void everyUploadCompletesOrFailsCleanlyAndTheSweepLeavesNoUnfinishedUpload() throws IOException {
        try (S3ProxyServer server = S3ProxyServer.start(serverDir);
             FaultyTcpProxy proxy = FaultyTcpProxy.start(server.endpoint(), 42, 0.10)) {
            // The bucket is made directly, so that a fault cannot fail opening the store.
            JcloudsFileStore.s3("direct", server.settings(BUCKET)).close();
            S3Settings faulty = server.settings(BUCKET).toBuilder().endpoint(proxy.endpoint()).build();
            Random sizes = new Random(7);
            List<String> completed = new ArrayList<>();
            List<Long> completedSizes = new ArrayList<>();
            int failed = 0;
            try (FileStore store = JcloudsFileStore.s3("faulty", faulty)) {
                for (int i = 0; i < UPLOADS; i++) {
                    double r = sizes.nextDouble();
                    long size = 1024 + (long) (r * r * MAX_SIZE);
                    String key = String.format("obj-%02d.bin", i);
                    try {
                        assertEquals(size, store.put(key, GeneratedContent.of(i, size), null));
                        completed.add(key);
                        completedSizes.add(size);
                    } catch (UploadException e) {
                        assertEquals(ErrorCode.STORAGE_ERROR, e.code(), () -> key + ": " + e);
                        failed++;
                    }
                }
            }
            int faults = proxy.count(FaultyTcpProxy.Fault.RESET) + proxy.count(FaultyTcpProxy.Fault.ERROR_500)
                    + proxy.count(FaultyTcpProxy.Fault.CUT_REPLY);
            assertTrue(faults > 0, "the proxy spoiled no connection");
            // Retries recover from nearly all of them.
            assertTrue(failed <= UPLOADS / 10, failed + " of " + UPLOADS + " uploads failed after " + faults + " faults");

            try (FileStore direct = JcloudsFileStore.s3("direct", server.settings(BUCKET))) {
                direct.abortStaleMultipartUploads(Instant.now().plusSeconds(1), key -> false);
                assertEquals(0, server.pendingMultipartUploads(BUCKET), "unfinished multipart uploads");
                assertEquals(completed, server.keys(BUCKET), failed + " uploads failed");
                for (int i = 0; i < completed.size(); i++) {
                    String key = completed.get(i);
                    long seed = Long.parseLong(key.substring(4, 6));
                    try (StoredObject object = direct.get(key, Optional.empty());
                         InputStream content = object.content()) {
                        assertEquals(GeneratedContent.sha256(seed, completedSizes.get(i)),
                                GeneratedContent.sha256(content), key);
                    }
                }
            }
        }
    }
}
