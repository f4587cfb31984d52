package dev.uploadkit.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Reads its source on another thread, a few chunks ahead of the consumer, so that producing the bytes (a
 * socket and a multipart parser) and consuming them (hashing and writing to the store) use two cores at
 * once. Memory is bounded: {@code depth + 2} reused chunks per stream.
 *
 * <p>The first {@value #FIRST_READ} bytes are read on the consumer's own thread: a source that ends within them
 * (most uploads are small) costs no thread hand-off and no chunk buffers.
 *
 * <p>The source is read by one thread only, and {@link #close()} returns only once that thread has stopped
 * touching it, so the caller may go on using what the source wraps (the rest of a multipart request) — unless the
 * stream was {@link #abort aborted}: then close returns at once, since a stalled source may hold the reading thread
 * for long, and the caller must leave the source alone (the reading thread lets go of it when its read returns).
 * Failures of the source (IOException or unchecked) are rethrown to the consumer as they were.
 */
public final class ReadAheadInputStream extends InputStream {
    private static final Chunk END = new Chunk(new byte[0], 0, null);
    private static final long STOP_WAIT_SECONDS = 30;
    private static final int MIN_HANDOFF = 64 * 1024;

    /** What the type sniffer looks at: the first read is its head, so {@link #head()} serves it without a copy. */
    static final int FIRST_READ = ContentSniffer.HEAD_SIZE;
    private static final int SMALL_FIRST_BUFFER = 8 * 1024;

    private final InputStream source;
    private final Executor executor;
    private final int chunkSize;
    private final int depth;
    private final BlockingQueue<Chunk> queue;
    private final BlockingQueue<byte[]> free;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean cancelled;
    private volatile RuntimeException aborted;
    private boolean started;
    private boolean firstRead;
    private Chunk current;
    private int position;
    private boolean done;

    private record Chunk(byte[] bytes, int length, Throwable failure) {
    }

    public ReadAheadInputStream(InputStream source, Executor executor, int chunkSize, int depth) {
        this.source = source;
        this.executor = executor;
        this.chunkSize = chunkSize;
        this.depth = depth;
        this.queue = new ArrayBlockingQueue<>(depth);
        this.free = new ArrayBlockingQueue<>(depth + 2);
    }

    /** The first bytes of a stream, in {@code bytes[0..length)}, which the caller must not change. */
    public record Head(byte[] bytes, int length) {
    }

    /**
     * Returns the bytes the first read takes from the source, {@value #FIRST_READ} or the chunk size if that is
     * smaller (fewer only if the source ends sooner), without consuming them: reads still begin with them. Lets a
     * caller look at the head of a stream, to detect its type, without a second buffer. Only before the first read.
     *
     * @throws IllegalStateException if the stream has been read
     */
    public Head head() throws IOException {
        if (firstRead) {
            throw new IllegalStateException("head() must come before the first read");
        }
        throwIfAborted();
        readFirst();
        return new Head(current.bytes, current.length);
    }

    /**
     * Reads the first bytes here; only a source that goes on past them is handed to the read-ahead thread.
     * Returns false at the end of the source.
     */
    private boolean readFirst() throws IOException {
        firstRead = true;
        int firstSize = Math.min(FIRST_READ, chunkSize);
        // Most uploads are small: the buffer starts small and grows to the first read's size only if they are not.
        byte[] first = new byte[Math.min(SMALL_FIRST_BUFFER, firstSize)];
        int n = 0;
        int r = 0;
        while (n < firstSize && (r = source.read(first, n, first.length - n)) >= 0) {
            n += r;
            if (n == first.length && n < firstSize) {
                first = Arrays.copyOf(first, firstSize);
            }
        }
        if (r < 0) {
            done = n == 0;
            current = new Chunk(first, n, null);
            position = 0;
            return n > 0;
        }
        for (int i = 0; i < depth + 2; i++) {
            free.add(new byte[chunkSize]);
        }
        started = true;
        executor.execute(() -> pump(source, chunkSize));
        current = new Chunk(first, n, null);
        position = 0;
        return true;
    }

    private void pump(InputStream source, int chunkSize) {
        int minHandoff = Math.min(chunkSize, MIN_HANDOFF);
        try {
            while (!cancelled) {
                byte[] buffer = free.poll(100, TimeUnit.MILLISECONDS);
                if (buffer == null) {
                    continue;
                }
                // Parsers hand out a few KiB per read; batching them keeps queue hand-offs rare.
                int n = 0;
                int r = 0;
                while (n < minHandoff && !cancelled && (r = source.read(buffer, n, chunkSize - n)) >= 0) {
                    n += r;
                }
                if (n > 0) {
                    put(new Chunk(buffer, n, null));
                }
                if (r < 0) {
                    put(END);
                    return;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            put(new Chunk(null, 0, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            put(new Chunk(null, 0, new InterruptedIOException("read-ahead interrupted")));
        } finally {
            stopped.countDown();
        }
    }

    private void put(Chunk chunk) {
        try {
            while (!cancelled && !queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                // the consumer is slower than the source; wait for room unless it gave up
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int read() throws IOException {
        return Streams.readOne(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        throwIfAborted();
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current.bytes, position, b, off, n);
        position += n;
        return n;
    }

    /** The bytes that can be read without waiting: what is left of the chunk at hand. */
    @Override
    public int available() {
        Chunk at = current;
        return at == null || at.bytes == null ? 0 : at.length - position;
    }

    private boolean fill() throws IOException {
        if (!firstRead) {
            return readFirst();
        }
        if (!started) {
            // readFirst read the whole source, or failed.
            done |= current == null || position == current.length;
            return !done;
        }
        while (!done && (current == null || position == current.length)) {
            try {
                if (current != null && current.bytes != null && current.bytes.length == chunkSize) {
                    free.offer(current.bytes);
                }
                current = null;
                while (current == null) {
                    throwIfAborted();
                    current = queue.poll(100, TimeUnit.MILLISECONDS);
                }
                position = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for upload bytes");
            }
            if (current.failure != null) {
                done = true;
                rethrow(current.failure);
            }
            if (current == END) {
                done = true;
            }
        }
        return !done;
    }

    /**
     * Makes the consumer's reads throw {@code failure} from now on, within 100 ms if one is waiting for bytes, and
     * stops reading ahead: how a cancel ends an upload whose source is slow or stalled. Any thread may call it.
     */
    public void abort(RuntimeException failure) {
        aborted = failure;
        cancelled = true;
    }

    private void throwIfAborted() {
        RuntimeException failure = aborted;
        if (failure != null) {
            done = true;
            throw failure;
        }
    }

    private static void rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        throw (Error) failure;
    }

    /** Stops reading ahead and waits until the source is no longer being read, unless the stream was aborted. */
    @Override
    public void close() throws IOException {
        cancelled = true;
        queue.clear();
        if (!started || aborted != null) {
            return;
        }
        try {
            if (!stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("the upload source was still being read " + STOP_WAIT_SECONDS + " s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping read-ahead");
        }
    }

    /** Returns a cached pool of daemon threads for read-ahead; idle threads end after a minute. */
    public static java.util.concurrent.ExecutorService newExecutor() {
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        return java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "uploadkit-read-ahead-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
