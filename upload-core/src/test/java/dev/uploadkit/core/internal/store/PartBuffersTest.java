package dev.uploadkit.core.internal.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PartBuffers}: the bound on the part buffers of all writes together, their reuse, and writes waiting for a
 * first buffer while others hold the pool.
 */
class PartBuffersTest {
    private static final int PART = 1024;
    // Long enough never to be reached when the code is right; a wrong wait fails the test instead of hanging it.
    private static final long SAFETY_SECONDS = 30;

    private final List<ExecutorService> executors = new ArrayList<>();

    @AfterEach
    void shutDown() {
        executors.forEach(ExecutorService::shutdownNow);
    }

    @Test
    void theBudgetBoundsTheBuffersAndGivenOnesAreReused() throws Exception {
        PartBuffers buffers = new PartBuffers(2 * PART, 1);
        byte[] first = buffers.take(PART);
        byte[] second = buffers.tryTake(PART);

        assertNotNull(second);
        assertNull(buffers.tryTake(PART), "a third buffer exceeds the budget");
        buffers.give(first);
        assertSame(first, buffers.tryTake(PART), "a given buffer is handed out again");
        buffers.give(first);
        buffers.give(second); // beyond the one kept idle: dropped
        assertEquals(PART, buffers.held());
        assertEquals(2 * PART, buffers.peak());
    }

    @Test
    void oneBufferIsAllowedWhateverTheBudget() throws Exception {
        PartBuffers buffers = new PartBuffers(10, 0);

        byte[] buffer = buffers.take(PART);

        assertEquals(PART, buffer.length);
        assertNull(buffers.tryTake(PART));
        buffers.give(buffer);
        assertEquals(0, buffers.held());
    }

    @Test
    void idleBuffersOfAnotherSizeMakeRoom() throws Exception {
        PartBuffers buffers = new PartBuffers(2 * PART, 2);
        buffers.give(buffers.take(2 * PART));

        byte[] smaller = buffers.tryTake(PART);

        assertNotNull(smaller);
        assertEquals(PART, buffers.held());
    }

    @Test
    void aWriteWaitsForItsFirstBufferUntilAnotherWriteGivesItsBack() throws Exception {
        PartBuffers buffers = new PartBuffers(PART, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstPartStarted = new CountDownLatch(1);
        ScriptedBlobStore held = new ScriptedBlobStore(n -> {
            firstPartStarted.countDown();
            await(release);
        });
        ScriptedBlobStore waiting = new ScriptedBlobStore(n -> { });
        byte[] one = bytes(3 * PART, 1);
        byte[] two = bytes(3 * PART, 2);
        ExecutorService callers = executor(2);

        Future<Long> first = callers.submit(() -> writer(held, buffers, 4).write("a", source(one), null));
        await(firstPartStarted);
        Future<Long> second = callers.submit(() -> writer(waiting, buffers, 4).write("b", source(two), null));
        awaitWaiting(buffers);
        assertFalse(second.isDone(), "the second write has no buffer while the first holds the only one");
        release.countDown();

        assertEquals(one.length, first.get(SAFETY_SECONDS, TimeUnit.SECONDS));
        assertEquals(two.length, second.get(SAFETY_SECONDS, TimeUnit.SECONDS));
        assertArrayEquals(one, held.stored());
        assertArrayEquals(two, waiting.stored());
        assertEquals(List.of("initiate", "start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "complete"),
                held.events(), "with the pool taken, a write sends its parts one after another");
        assertEquals(PART, buffers.peak());
    }

    @Test
    void concurrentWritesStayWithinTheBudgetAndGiveEveryBufferBack() throws Exception {
        PartBuffers buffers = new PartBuffers(3 * PART, 2);
        int writes = 8;
        ExecutorService callers = executor(writes);
        List<ScriptedBlobStore> stores = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        List<Future<Long>> results = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            ScriptedBlobStore store = new ScriptedBlobStore(n -> { });
            byte[] content = bytes(7 * PART + i, i);
            stores.add(store);
            contents.add(content);
            results.add(callers.submit(() -> writer(store, buffers, 4).write("k", source(content), null)));
        }

        for (int i = 0; i < writes; i++) {
            assertEquals(contents.get(i).length, results.get(i).get(SAFETY_SECONDS, TimeUnit.SECONDS));
            assertArrayEquals(contents.get(i), stores.get(i).stored());
        }
        assertTrue(buffers.peak() <= 3 * PART, "peak " + buffers.peak());
        assertTrue(buffers.held() <= 2 * PART, "only idle buffers are left: " + buffers.held());
    }

    @Test
    void smallContentTakesNoPartBuffer() throws Exception {
        PartBuffers buffers = new PartBuffers(PART, 0);
        ScriptedBlobStore store = new ScriptedBlobStore(n -> { });
        byte[] content = bytes(PART - 1, 3);

        writer(store, buffers, 4).write("k", source(content), null);

        assertArrayEquals(content, store.stored());
        assertEquals(0, buffers.peak());
    }

    @Test
    void aFailedWriteGivesItsBuffersBack() throws Exception {
        PartBuffers buffers = new PartBuffers(PART, 0);
        ScriptedBlobStore failing = new ScriptedBlobStore(n -> { });
        InputStream broken = new SequenceInputStream(new ByteArrayInputStream(bytes(2 * PART + 10, 4)),
                new InputStream() {
                    @Override
                    public int read() throws java.io.IOException {
                        throw new java.io.IOException("client went away");
                    }
                });

        assertThrows(java.io.IOException.class, () -> writer(failing, buffers, 4).write("k", source(broken), null));

        assertEquals(0, buffers.held(), "the failed write gave its buffer back");
        assertTrue(failing.events().contains("abort running=0"), failing.events().toString());
        ScriptedBlobStore next = new ScriptedBlobStore(n -> { });
        byte[] content = bytes(2 * PART, 5);
        assertEquals(content.length, executor(1).submit(() -> writer(next, buffers, 4).write("k", source(content),
                null)).get(SAFETY_SECONDS, TimeUnit.SECONDS));
    }

    private MultipartWriter writer(ScriptedBlobStore store, PartBuffers buffers, int partBuffers) {
        return new MultipartWriter(store.blobStore(), "c", PART, partBuffers, buffers, executor(4),
                StoreRetries.DEFAULT);
    }

    private ExecutorService executor(int threads) {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        executors.add(executor);
        return executor;
    }

    private static SourceStream source(byte[] content) {
        return new SourceStream(new ByteArrayInputStream(content));
    }

    private static SourceStream source(InputStream content) {
        return new SourceStream(content);
    }

    private static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(SAFETY_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("waited " + SAFETY_SECONDS + " s in vain");
        }
    }

    private static void awaitWaiting(PartBuffers buffers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SAFETY_SECONDS);
        while (buffers.waiting() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no write waited for a buffer");
            }
            Thread.onSpinWait();
        }
    }
}
