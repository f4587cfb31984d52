package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.testing.Poll;
import dev.uploadkit.core.testing.S3ProxyServer;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Content of a guessed length ({@link FileStore#put(String, InputStream, String, long)}) on S3: one streamed PUT when
 * the guess is right, the object mended inside the bucket when it is not, nothing left when the content fails. The
 * S3 server records what it stores, so a test fails if the guess is ignored or mended needlessly. (S3Proxy's
 * filesystem backend carries out a part copy, {@code UploadPartCopy}, as a read of the range stored as that part.)
 */
class S3ProxyGuessedLengthTest {
    private static final long PART = S3Settings.MIN_PART_SIZE_BYTES;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path serverDir;

    private static S3ProxyServer server;
    private static Recording requests;

    private String bucket;
    private FileStore store;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.start(serverDir, backend -> requests = new Recording(backend));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void openStore() {
        bucket = "guess-" + BUCKETS.incrementAndGet();
        store = JcloudsFileStore.s3("guessing", server.settings(bucket));
        requests.clear();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aRightGuessIsOnePutOfTheContent() throws IOException {
        long size = 3 * PART + 123;

        assertEquals(size, store.put("right.bin", GeneratedContent.of(1, size), "video/mp4", size));

        assertEquals(List.of("put right.bin " + size), requests.events());
        assertHolds("right.bin", 1, size);
        assertEquals(List.of("right.bin"), server.keys(bucket));
    }

    @Test
    void contentEndingBeforeTheGuessIsCutToItsBytesInTheBucket() throws IOException {
        long size = 2 * PART + 7;
        // The seed's own form puts its folder field after the file: the guess is long by that field.
        long guess = size + 190;

        assertEquals(size, store.put("long-guess.bin", GeneratedContent.of(2, size), null, guess));

        assertEquals(List.of("put long-guess.bin " + guess, "read long-guess.bin bytes=0-" + (size - 1),
                "part 1 of long-guess.bin " + size, "complete long-guess.bin 1"), requests.events());
        assertHolds("long-guess.bin", 2, size);
        assertNothingPending();
    }

    @Test
    void contentGoingOnPastTheGuessGetsTheRestAsPartsAfterTheCopy() throws IOException {
        long guess = PART + 1;
        long size = guess + 2 * PART + 3;

        assertEquals(size, store.put("short-guess.bin", GeneratedContent.of(3, size), null, guess));

        assertEquals(List.of("put short-guess.bin " + guess, "read short-guess.bin bytes=0-" + (guess - 1),
                "part 1 of short-guess.bin " + guess, "part 2 of short-guess.bin " + PART,
                "part 3 of short-guess.bin " + PART,
                "part 4 of short-guess.bin 3", "complete short-guess.bin 4"), requests.sorted());
        assertHolds("short-guess.bin", 3, size);
        assertNothingPending();
    }

    @Test
    void twoBytesPastTheGuessAsAClientWithoutTheFinalCrlfSends() throws IOException {
        long guess = 2 * PART;

        assertEquals(guess + 2, store.put("crlf.bin", GeneratedContent.of(4, guess + 2), null, guess));

        assertEquals(List.of("put crlf.bin " + guess, "read crlf.bin bytes=0-" + (guess - 1),
                "part 1 of crlf.bin " + guess, "part 2 of crlf.bin 2", "complete crlf.bin 2"), requests.sorted());
        assertHolds("crlf.bin", 4, guess + 2);
    }

    @Test
    void emptyContentWithAGuessIsAnEmptyObject() throws IOException {
        assertEquals(0, store.put("empty.bin", new ByteArrayInputStream(new byte[0]), null, 2 * PART));

        assertEquals(List.of("put empty.bin " + 2 * PART, "put empty.bin 0"), requests.events());
        assertHolds("empty.bin", -1, 0);
        assertNothingPending();
    }

    @Test
    void aStagedWriteLeftLongIsCutByTheMoveWithOneCopy() throws IOException {
        long size = 2 * PART + 11;
        long guess = size + 150; // a folder field after the file

        assertEquals(size, store.putStaged("staged.bin", GeneratedContent.of(9, size), "image/png", guess));
        assertEquals(Optional.of(guess), store.size("staged.bin"), "padded until moved or sealed");
        store.move("staged.bin", "f1/staged.bin");

        assertEquals(List.of("put staged.bin " + guess, "read staged.bin bytes=0-" + (size - 1),
                "part 1 of f1/staged.bin " + size, "complete f1/staged.bin 1"), requests.events());
        assertHolds("f1/staged.bin", 9, size);
        assertEquals(List.of("f1/staged.bin"), server.keys(bucket));
        assertNothingPending();
    }

    @Test
    void aStagedWriteLeftLongIsCutInPlaceBySealing() throws IOException {
        long size = PART + 3;

        store.putStaged("sealed.bin", GeneratedContent.of(10, size), null, size + 90);
        store.seal("sealed.bin");
        store.seal("sealed.bin"); // nothing left to do

        assertHolds("sealed.bin", 10, size);
        assertEquals(List.of("sealed.bin"), server.keys(bucket));
        assertNothingPending();
    }

    @Test
    void aStagedWriteRemovedIsForgottenAndAStagedWriteGuessedRightNeedsNoSealing() throws IOException {
        store.putStaged("dropped.bin", GeneratedContent.of(11, PART + 1), null, PART + 500);
        store.delete("dropped.bin");
        store.seal("dropped.bin");
        assertEquals(List.of(), server.keys(bucket));

        store.putStaged("right.bin", GeneratedContent.of(12, PART + 1), null, PART + 1);
        assertHolds("right.bin", 12, PART + 1);
        store.move("right.bin", "moved/right.bin"); // an ordinary move: a copy of the whole object
        assertHolds("moved/right.bin", 12, PART + 1);
        assertEquals(List.of("moved/right.bin"), server.keys(bucket));
    }

    @Test
    void aGuessOfOnePartOrLessChangesNothing() throws IOException {
        long size = 2 * PART + 5;

        store.put("small-guess.bin", GeneratedContent.of(5, size), null, PART);

        assertEquals(List.of("part 1 of small-guess.bin " + PART, "part 2 of small-guess.bin " + PART,
                "part 3 of small-guess.bin 5", "complete small-guess.bin 3"), requests.sorted());
        assertHolds("small-guess.bin", 5, size);
    }

    @Test
    void signedPayloadsIgnoreTheGuess() throws IOException {
        long size = PART + 9;
        try (FileStore signed = JcloudsFileStore.s3("signed", server.settings(bucket).toBuilder()
                .signPayload(true).build())) {
            requests.clear();
            signed.put("signed.bin", GeneratedContent.of(6, size), null, size);
        }

        assertEquals(List.of("part 1 of signed.bin " + PART, "part 2 of signed.bin 9", "complete signed.bin 2"),
                requests.sorted());
        assertHolds("signed.bin", 6, size);
    }

    @Test
    void contentFailingDuringThePutLeavesNothing() {
        IOException broken = new IOException("client went away");
        long size = 3 * PART;

        UploadException e = assertThrows(UploadException.class, () -> store.put("broken.bin",
                GeneratedContent.failingAfter(7, PART + 100, () -> broken), null, size));

        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        assertSame(broken, e.getCause());
        assertEquals(Optional.empty(), store.size("broken.bin"));
        // The PUT was given up with its body unfinished, which the server drops once it times the connection out
        // (30 s here; S3Proxy lists the bytes it received until then under a name of its own).
        assertTrue(Poll.until(() -> server.keys(bucket).isEmpty(), Duration.ofSeconds(60)),
                () -> "left in the bucket: " + server.keys(bucket));
        assertNothingPending();
    }

    @Test
    void contentRefusedPastTheGuessLeavesNothing() {
        UploadException tooLarge = new UploadException(ErrorCode.FILE_TOO_LARGE, "Over the limit.");
        long guess = PART + 1;

        UploadException e = assertThrows(UploadException.class, () -> store.put("large.bin",
                GeneratedContent.failingAfter(8, guess + PART + 10, () -> tooLarge), null, guess));

        assertSame(tooLarge, e);
        assertEquals(List.of(), server.keys(bucket));
        assertNothingPending();
    }

    private void assertHolds(String key, long seed, long size) throws IOException {
        try (StoredObject object = store.get(key, Optional.empty())) {
            assertEquals(size, object.totalSize());
            String expected = seed < 0 ? GeneratedContent.sha256(new ByteArrayInputStream(new byte[0]))
                    : GeneratedContent.sha256(seed, size);
            assertEquals(expected, GeneratedContent.sha256(object.content()));
        }
    }

    private void assertNothingPending() {
        assertEquals(0, server.pendingMultipartUploads(bucket), "pending multipart uploads");
    }

    /** Records the writes the server stores, in order: puts with their length, parts, copies, completions. */
    private static final class Recording extends ForwardingBlobStore {
        private final List<String> events = new ArrayList<>();

        Recording(BlobStore delegate) {
            super(delegate);
        }

        synchronized void clear() {
            events.clear();
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }

        /** The events with the parts (sent several at once) in part order, each after what came before it. */
        synchronized List<String> sorted() {
            List<String> parts = events.stream().filter(e -> e.startsWith("part ")).sorted(
                    java.util.Comparator.comparingInt(e -> Integer.parseInt(e.split(" ")[1]))).toList();
            java.util.Iterator<String> inOrder = parts.iterator();
            return events.stream().map(e -> e.startsWith("part ") ? inOrder.next() : e).toList();
        }

        private synchronized void record(String event) {
            if (!event.contains(".s3proxy-mpu-stub")) { // S3Proxy's own bookkeeping of multipart uploads
                events.add(event);
            }
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
            if (request.range() != null) { // S3Proxy copies a part by reading its range and storing it as a part
                record("read " + request.key() + " " + request.range());
            }
            return super.getBlob(request);
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
            record("put " + request.key() + " " + request.contentLength());
            return super.putBlob(request, content);
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request,
                                                      InputStream content) {
            record("part " + request.partNumber() + " of " + request.key() + " " + request.contentLength());
            return super.uploadMultipartPart(upload, request, content);
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                       CompleteMultipartUploadRequest request) {
            record("complete " + request.key() + " " + request.multipartUpload().parts().size());
            return super.completeMultipartUpload(upload, request);
        }
    }
}
