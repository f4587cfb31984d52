package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.internal.store.BlobStoreContexts;
import dev.uploadkit.core.testing.S3ProxyServer;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.PutOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
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

    private List<String> uploadsListedThroughTheS3Api() {
        try (BlobStoreContext context = BlobStoreContexts.s3(server.settings(bucket))) {
            return context.getBlobStore().listMultipartUploads(bucket).stream().map(MultipartUpload::blobName)
                    .toList();
        }
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

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void contentOfManyPartsIsByteExactWhateverTheNumberOfPartBuffers(int partBuffers) throws Exception {
        long size = 6L * S3Settings.MIN_PART_SIZE_BYTES + 12_345;
        try (FileStore parallel = JcloudsFileStore.s3("parallel", server.settings(bucket).toBuilder()
                .partBuffers(partBuffers).build())) {
            assertEquals(size, parallel.put("many.bin", GeneratedContent.of(7, size), null));
        }

        try (StoredObject object = store.get("many.bin", Optional.empty())) {
            assertEquals(size, object.totalSize());
            assertEquals(GeneratedContent.sha256(7, size), GeneratedContent.sha256(object.content()));
        }
        assertTrue(server.eTag(bucket, "many.bin").orElseThrow().endsWith("-7\""));
        assertStoreHoldsExactly(Set.of("many.bin"));
    }

    @Test
    void signedPayloadsRoundTripThroughAServerCheckingV4Signatures() throws Exception {
        long large = 3L * S3Settings.MIN_PART_SIZE_BYTES + 1;
        // The contract above runs with unsigned payloads, the default for a loopback endpoint.
        try (FileStore signed = JcloudsFileStore.s3("signed", server.settings(bucket).toBuilder()
                .signPayload(true).build())) {
            signed.put("signed-parts.bin", GeneratedContent.of(12, large), null);
            signed.put("signed-small.bin", GeneratedContent.of(13, 1000), null);

            try (StoredObject object = signed.get("signed-parts.bin", Optional.empty())) {
                assertEquals(GeneratedContent.sha256(12, large), GeneratedContent.sha256(object.content()));
            }
            try (StoredObject object = signed.get("signed-small.bin", Optional.empty())) {
                assertEquals(GeneratedContent.sha256(13, 1000), GeneratedContent.sha256(object.content()));
            }
        }
        assertStoreHoldsExactly(Set.of("signed-parts.bin", "signed-small.bin"));
    }

    @Test
    void contentFailingAfterSeveralPartsLeavesNoObjectAndNoUpload() throws Exception {
        IOException broken = new IOException("client went away");
        long failAfter = 4L * S3Settings.MIN_PART_SIZE_BYTES + 100;

        UploadException e = assertThrows(UploadException.class, () -> store.put("broken.bin",
                GeneratedContent.failingAfter(8, failAfter, () -> broken), null));

        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        assertSame(broken, e.getCause());
        assertEquals(List.of(), uploadsListedThroughTheS3Api());
        assertStoreHoldsExactly(Set.of());
    }

    @Test
    void theUnfinishedMultipartUploadsOfOneKeyAreAbortedAndOtherKeysKeepTheirs() {
        try (BlobStoreContext context = BlobStoreContexts.s3(server.settings(bucket))) {
            BlobStore blobStore = context.getBlobStore();
            // What writers cut off by a crash leave: two starts of one key (one retried), one of another.
            for (String key : List.of("cut/big.bin", "cut/big.bin", "other.bin")) {
                blobStore.initiateMultipartUpload(bucket, blobStore.blobBuilder(key).build().getMetadata(),
                        PutOptions.NONE);
            }
        }
        assertEquals(2, store.discardUnfinishedWrites("cut/big.bin"));
        assertEquals(List.of("other.bin"), uploadsListedThroughTheS3Api());
        assertEquals(0, store.discardUnfinishedWrites("cut/big.bin"));
        assertEquals(1, store.discardUnfinishedWrites("other.bin"));
        assertEquals(List.of(), uploadsListedThroughTheS3Api());
    }

    @Test
    void theS3ApiListsAnUnfinishedUploadSoTheChecksAboveCanFail() {
        try (BlobStoreContext context = BlobStoreContexts.s3(server.settings(bucket))) {
            BlobStore blobStore = context.getBlobStore();
            MultipartUpload upload = blobStore.initiateMultipartUpload(bucket,
                    blobStore.blobBuilder("pending.bin").build().getMetadata(), PutOptions.NONE);

            assertEquals(List.of("pending.bin"), uploadsListedThroughTheS3Api());

            blobStore.abortMultipartUpload(upload);
        }
        assertEquals(List.of(), uploadsListedThroughTheS3Api());
    }

    @Test
    void tooLargeFromTheContentAfterSeveralPartsPassesThroughAndLeavesNothing() throws Exception {
        UploadException tooLarge = new UploadException(ErrorCode.FILE_TOO_LARGE, "Over the limit.");
        long failAfter = 5L * S3Settings.MIN_PART_SIZE_BYTES;

        UploadException e = assertThrows(UploadException.class, () -> store.put("large.bin",
                GeneratedContent.failingAfter(9, failAfter, () -> tooLarge), null));

        assertSame(tooLarge, e);
        assertEquals(List.of(), uploadsListedThroughTheS3Api());
        assertStoreHoldsExactly(Set.of());
    }

    @Test
    void aHostExecutorSendsThePartsAndOutlivesTheStore() throws Exception {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        try {
            long size = 3L * S3Settings.MIN_PART_SIZE_BYTES;
            try (FileStore hosted = JcloudsFileStore.builder().id("hosted").s3(server.settings(bucket))
                    .executor(executor).build()) {
                hosted.put("hosted.bin", GeneratedContent.of(10, size), null);
            }

            assertFalse(executor.isShutdown());
            assertEquals(3, executor.getCompletedTaskCount());
            try (StoredObject object = store.get("hosted.bin", Optional.empty())) {
                assertEquals(GeneratedContent.sha256(10, size), GeneratedContent.sha256(object.content()));
            }
        } finally {
            executor.shutdownNow();
        }
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
