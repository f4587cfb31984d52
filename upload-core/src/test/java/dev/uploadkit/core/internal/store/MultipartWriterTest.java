package dev.uploadkit.core.internal.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MultipartWriter} against a scripted in-memory store, where parts can be held, failed or interrupted at
 * exact points: parallel parts, the bound on buffers, and what a failure cancels, waits for and aborts.
 */
class MultipartWriterTest {
    private static final int PART = 1024;
    // Long enough never to be reached when the code is right; a wrong wait fails the test instead of hanging it.
    private static final long SAFETY_SECONDS = 30;

    private ExecutorService executor;

    @AfterEach
    void shutDown() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Test
    void contentSmallerThanOnePartIsOnePut() throws Exception {
        ScriptedBlobStore store = new ScriptedBlobStore(n -> { });
        byte[] content = bytes(PART - 1);

        long written = writer(store, 4, 2).write("k", source(content), "text/plain");

        assertEquals(PART - 1, written);
        assertEquals(List.of("put"), store.events());
        assertArrayEquals(content, store.stored());
    }

    @Test
    void partsAreSentAtOnceAndCompletedInOrder() throws Exception {
        // Part 1 ends only once part 3 has begun: the writer must have three parts out at the same time.
        CountDownLatch thirdStarted = new CountDownLatch(1);
        ScriptedBlobStore store = new ScriptedBlobStore(n -> {
            if (n == 3) {
                thirdStarted.countDown();
            } else if (n == 1) {
                await(thirdStarted);
            }
        });
        byte[] content = bytes(5 * PART + 100);

        long written = writer(store, 4, 4).write("k", source(content), "application/octet-stream");

        assertEquals(content.length, written);
        assertArrayEquals(content, store.stored());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), store.completedParts());
        assertEquals("complete", last(store.events()));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void partsInFlightNeverExceedThePartBuffers(int partBuffers) throws Exception {
        int parts = 12;
        // Each part but the last waits for the next to begin, so the writer always has reason to send more.
        Map<Integer, CountDownLatch> started = new ConcurrentHashMap<>();
        IntStream.rangeClosed(1, parts + 1).forEach(n -> started.put(n, new CountDownLatch(1)));
        ScriptedBlobStore store = new ScriptedBlobStore(n -> {
            started.get(n).countDown();
            if (n < parts) {
                await(started.get(n + 1));
            }
        });
        byte[] content = bytes(parts * PART);

        writer(store, partBuffers, 8).write("k", source(content), null);

        assertArrayEquals(content, store.stored());
        assertTrue(store.maxRunning() >= 2, "parts overlapped: " + store.maxRunning());
        assertTrue(store.maxRunning() <= partBuffers, "at most " + partBuffers + ": " + store.maxRunning());
    }

    @Test
    void oneBufferSendsPartsOneAfterAnother() throws Exception {
        ScriptedBlobStore store = new ScriptedBlobStore(n -> { });
        byte[] content = bytes(3 * PART);

        writer(store, 1, 4).write("k", source(content), null);

        assertEquals(List.of("initiate", "start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "complete"),
                store.events());
        assertArrayEquals(content, store.stored());
    }

    // Repeated: a queued part started by the thread the interrupted part freed showed up once in hundreds of runs.
    @RepeatedTest(300)
    void sourceFailureSkipsQueuedPartsInterruptsTheRunningOneAndAbortsLast() {
        IOException broken = new IOException("client went away");
        CountDownLatch firstStarted = new CountDownLatch(1);
        ScriptedBlobStore store = new ScriptedBlobStore(n -> {
            if (n == 1) {
                firstStarted.countDown();
                awaitInterrupt(n);
            }
        });
        // One thread: part 1 runs and blocks, parts 2 and 3 wait in the queue when the source fails.
        InputStream content = new SequenceInputStream(new ByteArrayInputStream(bytes(3 * PART + 1)),
                failing(firstStarted, broken));

        IOException e = assertThrows(IOException.class, () -> writer(store, 4, 1).write("k", source(content), null));

        assertSame(broken, e);
        assertEquals(List.of("initiate", "start 1", "interrupted 1", "end 1", "abort running=0"), store.events());
        assertEquals(null, store.stored());
    }

    @Test
    void failedPartAbortsOnlyAfterTheRunningPartsHaveEnded() {
        RuntimeException refused = new IllegalStateException("part 3 refused");
        CountDownLatch secondStarted = new CountDownLatch(1);
        ScriptedBlobStore store = new ScriptedBlobStore(n -> {
            if (n == 2) {
                secondStarted.countDown();
                awaitInterrupt(n);
            } else if (n == 3) {
                await(secondStarted);
                throw refused;
            }
        });

        RuntimeException e = assertThrows(RuntimeException.class,
                () -> writer(store, 4, 4).write("k", source(bytes(8 * PART)), null));

        assertSame(refused, e);
        List<String> events = store.events();
        assertEquals("abort running=0", last(events), events.toString());
        assertTrue(events.contains("interrupted 2"), events.toString());
        assertFalse(events.contains("complete"), events.toString());
        assertEquals(null, store.stored());
    }

    @Test
    void interruptedWhileWaitingForAPartAbortsAndKeepsTheInterrupt() {
        Thread caller = Thread.currentThread();
        ScriptedBlobStore store = new ScriptedBlobStore(n -> {
            caller.interrupt();
            awaitInterrupt(n);
        });
        try {
            assertThrows(InterruptedIOException.class,
                    () -> writer(store, 1, 2).write("k", source(bytes(3 * PART)), null));

            assertTrue(Thread.currentThread().isInterrupted());
            assertEquals(List.of("initiate", "start 1", "interrupted 1", "end 1", "abort running=0"), store.events());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void moreThanTheMostPartsIsFileTooLargeAndAborted() {
        ScriptedBlobStore store = new ScriptedBlobStore(n -> { });
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 7;
            }
        };

        UploadException e = assertThrows(UploadException.class,
                () -> new MultipartWriter(store.blobStore(), "c", 1, 4, pool(4)).write("k", source(endless), null));

        assertEquals(ErrorCode.FILE_TOO_LARGE, e.code());
        assertEquals("abort running=0", last(store.events()));
        assertFalse(store.events().contains("start " + (MultipartWriter.MAX_PARTS + 1)));
    }

    private MultipartWriter writer(ScriptedBlobStore store, int partBuffers, int threads) {
        return new MultipartWriter(store.blobStore(), "c", PART, partBuffers, pool(threads));
    }

    private ExecutorService pool(int threads) {
        executor = Executors.newFixedThreadPool(threads);
        return executor;
    }

    private static SourceStream source(byte[] content) {
        return new SourceStream(new ByteArrayInputStream(content));
    }

    private static SourceStream source(InputStream content) {
        return new SourceStream(content);
    }

    /** Returns a stream that throws {@code failure} once {@code ready} is open. */
    private static InputStream failing(CountDownLatch ready, IOException failure) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    await(ready);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
                throw failure;
            }
        };
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String last(List<String> events) {
        return events.get(events.size() - 1);
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(SAFETY_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("waited " + SAFETY_SECONDS + " s in vain");
        }
    }

    /** Blocks the part until the writer cancels it, which interrupts it; fails the part if no cancel comes. */
    private static void awaitInterrupt(int number) throws InterruptedException {
        if (!new CountDownLatch(1).await(SAFETY_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("part " + number + " was never interrupted");
        }
    }
}
