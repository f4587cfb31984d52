package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.testing.S3ProxyServer;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A part upload that the S3 server refuses: the store cancels the other parts, waits for those under way, aborts
 * the multipart upload and leaves nothing in the bucket.
 */
class S3ProxyPartFailureTest {
    private static final long PART = S3Settings.MIN_PART_SIZE_BYTES;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path serverDir;

    private static S3ProxyServer server;
    private static PartFaults faults;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.start(serverDir, backend -> faults = new PartFaults(backend));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRefusedPartAbortsOnlyAfterThePartsUnderWayHaveEnded() {
        String bucket = "parts-" + BUCKETS.incrementAndGet();
        // Part 2 is held until part 3 has failed, so it is still being stored when the client learns of the failure.
        faults.arm(3, 2);

        UploadException e = putFailing(bucket, 4, 8 * PART);

        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        List<String> events = faults.events();
        assertEquals("abort", events.get(events.size() - 1), "the abort comes last: " + events);
        assertEquals(1, events.stream().filter("abort"::equals).count(), events.toString());
        assertTrue(events.contains("end 2"), events.toString());
        assertEquals(events.stream().filter(x -> x.startsWith("start ")).count(),
                events.stream().filter(x -> x.startsWith("end ")).count(), "every part began has ended: " + events);
        assertNothingIn(bucket);
    }

    @Test
    void aRefusedPartOfPartsSentOneAfterAnotherLeavesNothing() {
        String bucket = "parts-" + BUCKETS.incrementAndGet();
        faults.arm(2, 0);

        UploadException e = putFailing(bucket, 1, 4 * PART);

        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        assertEquals(List.of("start 1", "end 1", "start 2", "fail 2", "end 2", "abort"), faults.events());
        assertNothingIn(bucket);
    }

    private static UploadException putFailing(String bucket, int partBuffers, long size) {
        S3Settings settings = server.settings(bucket).toBuilder().partBuffers(partBuffers).build();
        try (FileStore store = JcloudsFileStore.s3("faulty", settings)) {
            UploadException e = assertThrows(UploadException.class,
                    () -> store.put("refused.bin", GeneratedContent.of(11, size), null));
            assertEquals(Optional.empty(), store.size("refused.bin"));
            return e;
        }
    }

    private static void assertNothingIn(String bucket) {
        assertEquals(0, server.pendingMultipartUploads(bucket), "pending multipart uploads");
        assertEquals(List.of(), server.keys(bucket));
    }

    /** Refuses one part number, optionally holds another until then, and records what happened in order. */
    private static final class PartFaults extends ForwardingBlobStore {
        private final List<String> events = new ArrayList<>();
        private volatile int failing;
        private volatile int held;
        private volatile CountDownLatch failed = new CountDownLatch(0);

        PartFaults(BlobStore delegate) {
            super(delegate);
        }

        void arm(int failingPart, int heldPart) {
            synchronized (events) {
                events.clear();
            }
            failed = new CountDownLatch(1);
            held = heldPart;
            failing = failingPart;
        }

        List<String> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
                                                      InputStream content) {
            int number = request.partNumber();
            record("start " + number);
            try {
                if (number == failing) {
                    // Read the body first: refusing mid-body would make the client see a reset and retry.
                    drain(content);
                    record("fail " + number);
                    failed.countDown();
                    throw S3Exceptions.invalidArgument("part " + number + " refused by the test");
                }
                if (number == held) {
                    awaitFailure();
                }
                return super.uploadMultipartPart(upload, request, content);
            } finally {
                record("end " + number);
            }
        }

        @Override
        public void abortMultipartUpload(MultipartUpload upload) {
            record("abort");
            super.abortMultipartUpload(upload);
        }

        private void awaitFailure() {
            try {
                if (!failed.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the failing part never arrived");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private void record(String event) {
            synchronized (events) {
                events.add(event);
            }
        }

        private static void drain(InputStream content) {
            try {
                content.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
