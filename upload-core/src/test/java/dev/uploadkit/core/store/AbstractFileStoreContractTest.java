package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every {@link FileStore} keeps. Subclass it once per implementation, return a fresh empty store from
 * {@link #createStore(String)}, and override {@link #assertStoreHoldsExactly(Set)} where the backing storage can
 * be inspected for temporary files and unfinished multipart uploads.
 *
 * <p>Sizes cross 5 MiB boundaries on purpose: S3 stores should be configured with 5 MiB parts so that the large
 * cases really go through several parts.
 */
public abstract class AbstractFileStoreContractTest {
    protected static final int MIB = 1024 * 1024;
    protected static final String STORE_ID = "contract-store";

    private final boolean signsAnyKey;

    protected FileStore store;

    /** Creates the contract for a store that accepts every valid key. */
    protected AbstractFileStoreContractTest() {
        this(true);
    }

    /**
     * Creates the contract.
     *
     * @param signsAnyKey {@code false} for an S3 server known to reject jclouds' signature for keys containing
     *     {@code ; = : ~}, which skips those keys
     */
    protected AbstractFileStoreContractTest(boolean signsAnyKey) {
        this.signsAnyKey = signsAnyKey;
    }

    /** Returns a new store with {@code id}, holding no objects. */
    protected abstract FileStore createStore(String id) throws Exception;

    /**
     * Asserts that the backing storage holds the objects under {@code keys} and nothing else: no temporary file,
     * no pending multipart upload. Does nothing unless overridden.
     */
    protected void assertStoreHoldsExactly(Set<String> keys) throws Exception {
    }

    @BeforeEach
    void openStore() throws Exception {
        store = createStore(STORE_ID);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void idIsTheOneGiven() {
        assertEquals(STORE_ID, store.id());
    }

    @Test
    void smallObjectRoundTrips() throws Exception {
        byte[] content = "Hello, uploads".getBytes(StandardCharsets.UTF_8);

        assertEquals(content.length, store.put("docs/hello.txt", new ByteArrayInputStream(content), "text/plain"));

        assertEquals(Optional.of((long) content.length), store.size("docs/hello.txt"));
        try (StoredObject object = store.get("docs/hello.txt", Optional.empty())) {
            assertEquals(content.length, object.totalSize());
            assertEquals(content.length, object.contentLength());
            assertEquals(Optional.empty(), object.range());
            assertArrayEquals(content, object.content().readAllBytes());
        }
        assertStoreHoldsExactly(Set.of("docs/hello.txt"));
    }

    @Test
    void emptyObjectRoundTrips() throws Exception {
        assertEquals(0, store.put("empty.bin", GeneratedContent.of(0, 0), "application/octet-stream"));

        assertEquals(Optional.of(0L), store.size("empty.bin"));
        try (StoredObject object = store.get("empty.bin", Optional.empty())) {
            assertEquals(0, object.totalSize());
            assertEquals(0, object.content().readAllBytes().length);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5 * MIB - 1, 5 * MIB, 10 * MIB, 13 * MIB})
    void streamOfUnknownLengthRoundTrips(int size) throws Exception {
        long seed = 1000 + size;
        String key = "big/object-" + size + ".bin";

        assertEquals(size, store.put(key, GeneratedContent.of(seed, size), "application/octet-stream"));

        assertEquals(Optional.of((long) size), store.size(key));
        try (StoredObject object = store.get(key, Optional.empty())) {
            assertEquals(size, object.totalSize());
            assertEquals(GeneratedContent.sha256(seed, size), GeneratedContent.sha256(object.content()));
        }
        assertStoreHoldsExactly(Set.of(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-0", "0-99", "400-599", "999-999", "1-998"})
    void rangeReturnsThoseBytes(String spec) throws Exception {
        byte[] content = GeneratedContent.bytes(7, 1000);
        store.put("ranged.bin", new ByteArrayInputStream(content), null);
        ByteRange range = parse(spec);

        try (StoredObject object = store.get("ranged.bin", Optional.of(range))) {
            assertEquals(1000, object.totalSize());
            assertEquals(Optional.of(range), object.range());
            assertEquals(range.length(), object.contentLength());
            byte[] expected = Arrays.copyOfRange(content, (int) range.first(), (int) range.last() + 1);
            assertArrayEquals(expected, object.content().readAllBytes());
        }
    }

    @Test
    void rangePastTheEndIsCutAtTheLastByte() throws Exception {
        byte[] content = GeneratedContent.bytes(8, 1000);
        store.put("ranged.bin", new ByteArrayInputStream(content), null);

        try (StoredObject object = store.get("ranged.bin", Optional.of(new ByteRange(990, 5000)))) {
            assertEquals(Optional.of(new ByteRange(990, 999)), object.range());
            assertArrayEquals(Arrays.copyOfRange(content, 990, 1000), object.content().readAllBytes());
        }
    }

    @Test
    void rangeStartingAtTheEndIsRefused() {
        store.put("ranged.bin", new ByteArrayInputStream(new byte[1000]), null);

        UploadException e = assertThrows(UploadException.class,
                () -> store.get("ranged.bin", Optional.of(new ByteRange(1000, 1000))));

        assertEquals(ErrorCode.VALIDATION_ERROR, e.code());
        assertTrue(e.details().containsKey("range"));
    }

    @Test
    void missingObjectIsNotFound() {
        assertEquals(Optional.empty(), store.size("nope/missing.txt"));
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(UploadException.class,
                () -> store.get("nope/missing.txt", Optional.empty())).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(UploadException.class,
                () -> store.get("nope/missing.txt", Optional.of(new ByteRange(0, 10)))).code());
    }

    @Test
    void aPrefixOfOtherKeysIsNoObject() throws Exception {
        store.put("folder/inner.txt", new ByteArrayInputStream(new byte[] {1, 2, 3}), null);

        assertEquals(Optional.empty(), store.size("folder"));
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(UploadException.class,
                () -> store.get("folder", Optional.empty())).code());
        store.delete("folder");

        assertEquals(Optional.of(3L), store.size("folder/inner.txt"));
        assertStoreHoldsExactly(Set.of("folder/inner.txt"));
    }

    @Test
    void deleteRemovesTheObjectAndIsIdempotent() throws Exception {
        store.put("to-delete.txt", new ByteArrayInputStream(new byte[] {42}), "text/plain");

        store.delete("to-delete.txt");

        assertEquals(Optional.empty(), store.size("to-delete.txt"));
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(UploadException.class,
                () -> store.get("to-delete.txt", Optional.empty())).code());
        store.delete("to-delete.txt");
        store.delete("never/existed.txt");
        assertStoreHoldsExactly(Set.of());
    }

    @Test
    void moveTakesTheObjectToItsNewKeyIntoANewFolder() throws Exception {
        int size = 6 * MIB + 17;
        store.put("staging/upload.bin", GeneratedContent.of(31, size), "application/pdf");

        store.move("staging/upload.bin", "uploads/2026/report.pdf");

        assertNothingUnder("staging/upload.bin");
        try (StoredObject object = store.get("uploads/2026/report.pdf", Optional.empty())) {
            assertEquals(size, object.totalSize());
            assertEquals(GeneratedContent.sha256(31, size), GeneratedContent.sha256(object.content()));
        }
        assertStoreHoldsExactly(Set.of("uploads/2026/report.pdf"));
    }

    @Test
    void moveReplacesAnObjectAtTheTarget() throws Exception {
        store.put("from.txt", new ByteArrayInputStream(new byte[] {1, 2, 3}), "text/plain");
        store.put("to.txt", new ByteArrayInputStream(new byte[] {9}), "text/plain");

        store.move("from.txt", "to.txt");

        try (StoredObject object = store.get("to.txt", Optional.empty())) {
            assertArrayEquals(new byte[] {1, 2, 3}, object.content().readAllBytes());
        }
        assertStoreHoldsExactly(Set.of("to.txt"));
    }

    @Test
    void moveOfAMissingObjectIsNotFoundAndCreatesNothing() throws Exception {
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(UploadException.class,
                () -> store.move("missing.txt", "target.txt")).code());
        assertNothingUnder("target.txt");
        assertStoreHoldsExactly(Set.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"uploads/café déjà vu.txt", "a b/c d.bin", "日本語/ファイル 1.txt", "x/y/z/deep.txt",
            "plus+and%20percent.txt", "emoji 😀.txt", "amp&at@comma,dollar$bang!(paren)[sq]'q'.txt"})
    void keysWithSpacesAndNonAsciiRoundTrip(String key) throws Exception {
        assertRoundTrips(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"semi;colon.txt", "key=value.txt", "at 10:30.txt", "backup~1.txt"})
    void keysWithPunctuationThatSigningEscapesRoundTrip(String key) throws Exception {
        assumeTrue(signsAnyKey, "this server rejects jclouds' signature for such keys");
        assertRoundTrips(key);
    }

    private void assertRoundTrips(String key) throws Exception {
        byte[] content = key.getBytes(StandardCharsets.UTF_8);

        store.put(key, new ByteArrayInputStream(content), "text/plain; charset=utf-8");

        assertEquals(Optional.of((long) content.length), store.size(key));
        try (StoredObject object = store.get(key, Optional.of(new ByteRange(0, content.length - 1)))) {
            assertArrayEquals(content, object.content().readAllBytes());
        }
        assertStoreHoldsExactly(Set.of(key));
        store.delete(key);
        assertEquals(Optional.empty(), store.size(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape.txt", "a/../../escape.txt", "/absolute.txt", "a\\b.txt", "a//b.txt", "dir/",
            "./here.txt", "a/./b.txt", "tab\tkey.txt", "marker_$folder$"})
    void invalidKeysAreRefusedEverywhere(String key) throws Exception {
        assertEquals(ErrorCode.VALIDATION_ERROR, assertThrows(UploadException.class,
                () -> store.put(key, new ByteArrayInputStream(new byte[] {1}), null)).code());
        assertEquals(ErrorCode.VALIDATION_ERROR, assertThrows(UploadException.class,
                () -> store.get(key, Optional.empty())).code());
        assertEquals(ErrorCode.VALIDATION_ERROR, assertThrows(UploadException.class, () -> store.size(key)).code());
        assertEquals(ErrorCode.VALIDATION_ERROR, assertThrows(UploadException.class, () -> store.delete(key)).code());
        assertStoreHoldsExactly(Set.of());
    }

    @Test
    void overwritingAKeyReplacesItsObject() throws Exception {
        store.put("same.txt", new ByteArrayInputStream("first".getBytes(StandardCharsets.UTF_8)), null);
        store.put("same.txt", new ByteArrayInputStream("second, longer".getBytes(StandardCharsets.UTF_8)), null);

        assertEquals(Optional.of(14L), store.size("same.txt"));
        try (StoredObject object = store.get("same.txt", Optional.empty())) {
            assertEquals("second, longer", new String(object.content().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertStoreHoldsExactly(Set.of("same.txt"));
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 7 * MIB})
    void contentFailingWithIoExceptionLeavesNothing(int failAfter) throws Exception {
        IOException broken = new IOException("connection reset by client");

        UploadException e = assertThrows(UploadException.class, () -> store.put("broken.bin",
                GeneratedContent.failingAfter(3, failAfter, () -> broken), "application/octet-stream"));

        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        assertSame(broken, e.getCause());
        assertNothingUnder("broken.bin");
        assertStoreHoldsExactly(Set.of());
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 7 * MIB})
    void uploadExceptionFromContentPassesThroughUnchangedAndLeavesNothing(int failAfter) throws Exception {
        UploadException tooLarge = new UploadException(ErrorCode.FILE_TOO_LARGE, "The file exceeds the limit.");

        UploadException e = assertThrows(UploadException.class, () -> store.put("too-large.bin",
                GeneratedContent.failingAfter(4, failAfter, () -> tooLarge), "application/octet-stream"));

        assertSame(tooLarge, e);
        assertEquals(ErrorCode.FILE_TOO_LARGE, e.code());
        assertNothingUnder("too-large.bin");
        assertStoreHoldsExactly(Set.of());
    }

    @Test
    void failedOverwriteKeepsThePreviousObject() throws Exception {
        byte[] original = "the original".getBytes(StandardCharsets.UTF_8);
        store.put("kept.txt", new ByteArrayInputStream(original), "text/plain");

        assertThrows(UploadException.class, () -> store.put("kept.txt",
                GeneratedContent.failingAfter(5, 6 * MIB, () -> new IOException("gone")), "text/plain"));

        try (StoredObject object = store.get("kept.txt", Optional.empty())) {
            assertArrayEquals(original, object.content().readAllBytes());
        }
        assertStoreHoldsExactly(Set.of("kept.txt"));
    }

    @Test
    void putLeavesClosingTheContentToTheCaller() {
        GeneratedContent content = GeneratedContent.of(6, 100);

        store.put("open.bin", content, null);

        assertFalse(content.isClosed());
    }

    @Test
    void concurrentPutsOfDifferentKeysAllLand() throws Exception {
        int writers = 4;
        int size = 6 * MIB;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int n = i;
                results.add(pool.submit(() -> store.put("parallel/" + n + ".bin",
                        GeneratedContent.of(100 + n, size), "application/octet-stream")));
            }
            for (Future<Long> result : results) {
                assertEquals(size, result.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }

        Set<String> keys = new TreeSet<>();
        for (int i = 0; i < writers; i++) {
            String key = "parallel/" + i + ".bin";
            keys.add(key);
            try (StoredObject object = store.get(key, Optional.empty())) {
                assertEquals(GeneratedContent.sha256(100 + i, size), GeneratedContent.sha256(object.content()));
            }
        }
        assertStoreHoldsExactly(keys);
    }

    private void assertNothingUnder(String key) {
        assertEquals(Optional.empty(), store.size(key));
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(UploadException.class,
                () -> store.get(key, Optional.empty())).code());
    }

    private static ByteRange parse(String spec) {
        String[] parts = spec.split("-");
        return new ByteRange(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    }
}
