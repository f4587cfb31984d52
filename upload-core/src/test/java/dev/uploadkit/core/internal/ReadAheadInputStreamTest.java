package dev.uploadkit.core.internal;

import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadAheadInputStreamTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void yieldsTheSourceBytesExactlyWhateverTheSourcesReadSizes() throws IOException {
        byte[] bytes = TestContent.random(1, 3 * 1024 * 1024 + 17);
        try (ReadAheadInputStream in = new ReadAheadInputStream(trickle(new ByteArrayInputStream(bytes), 4096), pool,
                256 * 1024, 4)) {
            assertArrayEquals(bytes, in.readAllBytes());
            assertEquals(-1, in.read());
        }
        try (ReadAheadInputStream empty = new ReadAheadInputStream(InputStream.nullInputStream(), pool, 1024, 2)) {
            assertEquals(-1, empty.read());
        }
    }

    @Test
    void aSourceEndingWithinTheFirstReadIsReadWithoutAnotherThread() throws IOException {
        byte[] bytes = TestContent.random(2, ReadAheadInputStream.FIRST_READ - 1);
        java.util.concurrent.Executor refuses = task -> {
            throw new AssertionError("no read-ahead thread for a small source");
        };
        try (ReadAheadInputStream in = new ReadAheadInputStream(trickle(new ByteArrayInputStream(bytes), 1000),
                refuses, 256 * 1024, 4)) {
            assertArrayEquals(bytes, in.readAllBytes());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void theHeadIsTheFirstReadsBytesAndReadsStillBeginWithIt() throws IOException {
        byte[] bytes = TestContent.random(3, 3 * ReadAheadInputStream.FIRST_READ + 5);
        try (ReadAheadInputStream in = new ReadAheadInputStream(trickle(new ByteArrayInputStream(bytes), 1000), pool,
                256 * 1024, 4)) {
            ReadAheadInputStream.Head head = in.head();
            assertEquals(ReadAheadInputStream.FIRST_READ, head.length());
            assertArrayEquals(Arrays.copyOf(bytes, head.length()), Arrays.copyOf(head.bytes(), head.length()));
            assertEquals(head.length(), in.available());
            assertArrayEquals(bytes, in.readAllBytes());
            assertEquals(0, in.available());
            assertThrows(IllegalStateException.class, in::head);
        }
    }

    @Test
    void theHeadOfAShortSourceIsAllOfIt() throws IOException {
        byte[] bytes = TestContent.random(4, 4096);
        try (ReadAheadInputStream in = new ReadAheadInputStream(new ByteArrayInputStream(bytes), pool, 256 * 1024, 4);
             ReadAheadInputStream empty = new ReadAheadInputStream(InputStream.nullInputStream(), pool, 1024, 2)) {
            assertEquals(bytes.length, in.head().length());
            byte[] first = new byte[100];
            assertEquals(100, in.read(first));
            assertEquals(bytes.length - 100, in.available());
            assertArrayEquals(bytes, concat(first, in.readAllBytes()));
            assertEquals(0, empty.head().length());
            assertEquals(-1, empty.read());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aSourceFailingWithinTheFirstReadFailsAndThenEnds() throws IOException {
        IOException failure = new IOException("cut");
        InputStream source = new InputStream() {
            @Override
            public int read() throws IOException {
                throw failure;
            }
        };
        try (ReadAheadInputStream in = new ReadAheadInputStream(source, pool, 256 * 1024, 4)) {
            assertSame(failure, assertThrows(IOException.class, () -> in.read(new byte[10])));
            assertEquals(-1, in.read(new byte[10]));
        }
    }

    @Test
    void rethrowsTheSourcesFailureItself() throws IOException {
        IOException failure = new IOException("reset");
        InputStream source = new java.io.SequenceInputStream(new ByteArrayInputStream(new byte[100_000]), new InputStream() {
            @Override
            public int read() throws IOException {
                throw failure;
            }
        });
        try (ReadAheadInputStream in = new ReadAheadInputStream(source, pool, 64 * 1024, 2)) {
            assertSame(failure, assertThrows(IOException.class, in::readAllBytes));
        }
    }

    @Test
    void closeStopsReadingAheadWhenTheConsumerGivesUp() throws IOException {
        AtomicLong read = new AtomicLong();
        InputStream endless = new FilterInputStream(TestContent.endless()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                read.addAndGet(n);
                return n;
            }
        };
        ReadAheadInputStream in = new ReadAheadInputStream(endless, pool, 64 * 1024, 2);
        assertEquals('x', in.read());
        in.close();
        long afterClose = read.get();
        assertTrue(afterClose <= 6 * 64 * 1024, "bounded read-ahead, was " + afterClose);
        assertEquals(afterClose, read.get(), "the source is no longer read once close returns");
    }

    @Test
    void anAbortedStreamClosesAtOnceWhileItsSourceIsStalledAndTheSourceIsLetGoWhenItsReadReturns()
            throws Exception {
        byte[] head = TestContent.random(3, 128 * 1024);
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong readsAfterRelease = new AtomicLong();
        InputStream source = new InputStream() {
            private final InputStream bytes = new ByteArrayInputStream(head);

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = bytes.read(b, off, len);
                if (n > 0) {
                    return n;
                }
                if (release.getCount() == 0) {
                    readsAfterRelease.incrementAndGet();
                    return len == 0 ? 0 : 1;
                }
                stalled.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                return 1; // a late byte: the client sent one more
            }
        };
        ReadAheadInputStream in = new ReadAheadInputStream(source, pool, 64 * 1024, 2);
        assertArrayEquals(head, in.readNBytes(head.length));
        assertTrue(stalled.await(10, TimeUnit.SECONDS), "the reading thread waits for the stalled source");
        IllegalStateException cancelled = new IllegalStateException("cancelled");
        in.abort(cancelled);
        assertSame(cancelled, assertThrows(IllegalStateException.class, in::read));
        long started = System.nanoTime();
        in.close();
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "close does not wait for the source");
        release.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "the reading thread ends once its read returns");
        assertEquals(0, readsAfterRelease.get(), "and reads no more");
    }

    private static InputStream trickle(InputStream in, int maxRead) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, maxRead));
            }
        };
    }
}
