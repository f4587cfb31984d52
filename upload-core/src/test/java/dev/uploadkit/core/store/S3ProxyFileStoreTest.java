package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3ProxyFileStoreTest extends AbstractFileStoreContractTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path serverDir;

    private static S3ProxyServer server;

    private String bucket;

    S3ProxyFileStoreTest() {
        // S3Proxy 4.1 builds the canonical request from the raw path, while jclouds sends ; = : unescaped and
        // ~ escaped but signs the strictly escaped form, so such keys fail with SignatureDoesNotMatch here.
        super(false);
    }

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.start(serverDir);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected FileStore createStore(String id) {
        bucket = "contract-" + BUCKETS.incrementAndGet();
        return JcloudsFileStore.s3(id, server.settings(bucket));
    }

    @Override
    protected void assertStoreHoldsExactly(Set<String> keys) {
        assertEquals(0, server.pendingMultipartUploads(bucket), "pending multipart uploads");
        List<String> expected = new ArrayList<>(keys);
        expected.sort(null);
        assertEquals(expected, server.keys(bucket));
    }

    @Test
    void contentLargerThanOnePartIsUploadedInParts() {
        store.put("parts.bin", GeneratedContent.of(1, 13 * MIB), null);
        store.put("exact.bin", GeneratedContent.of(2, 5 * MIB), null);
        store.put("single.bin", GeneratedContent.of(3, 5 * MIB - 1), null);

        assertTrue(server.eTag(bucket, "parts.bin").orElseThrow().endsWith("-3\""));
        assertTrue(server.eTag(bucket, "exact.bin").orElseThrow().endsWith("-1\""));
        assertFalse(server.eTag(bucket, "single.bin").orElseThrow().contains("-"));
    }

    @Test
    void anExistingBucketIsReused() {
        store.put("kept.txt", new ByteArrayInputStream(new byte[] {1}), null);

        try (FileStore again = JcloudsFileStore.s3("again", server.settings(bucket))) {
            assertEquals(Optional.of(1L), again.size("kept.txt"));
        }
    }

    @Test
    void wrongSecretIsAStorageErrorThatDoesNotShowTheSecret() {
        S3Settings wrong = server.settings("contract-wrong").toBuilder().secretKey("not-the-secret-xyz").build();

        UploadException e = assertThrows(UploadException.class, () -> JcloudsFileStore.s3("wrong", wrong));

        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        assertFalse(e.getMessage().contains("not-the-secret-xyz"));
        assertFalse(e.getMessage().contains(server.secretKey()));
    }

    @Test
    void unreachableEndpointIsServiceUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        S3Settings nowhere = server.settings("contract-nowhere").toBuilder()
                .endpoint(URI.create("http://127.0.0.1:" + closedPort)).build();

        UploadException e = assertThrows(UploadException.class, () -> JcloudsFileStore.s3("nowhere", nowhere));

        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
    }
}
