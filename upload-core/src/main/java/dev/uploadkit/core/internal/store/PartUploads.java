package dev.uploadkit.core.internal.store;

import com.google.common.io.ByteSource;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.io.Payload;
import org.jclouds.io.Payloads;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The parts of one multipart upload that are being sent, and the part buffers they use: at most
 * {@code maxBuffers} buffers, taken from the process's {@link PartBuffers} only when no sent part has freed one
 * and the pool has room (else the next part waits for one of these to finish).
 *
 * <p>Used by one thread, the writer's; the parts run on the executor. A buffer handed to {@link #send} belongs to
 * its part until that part has finished, then comes back through {@link #freeBuffer()}. Every buffer goes back
 * to the pool with {@link #release()}, once no part is running.
 */
final class PartUploads {
    private final BlobStore blobStore;
    private final MultipartUpload upload;
    private final ExecutorService executor;
    private final int partSize;
    private final int maxBuffers;
    private final StoreRetries retries;
    private final PartBuffers buffers;
    /** Every buffer of these parts: the writer's first one and those taken from {@link #buffers}. */
    private final List<byte[]> owned = new ArrayList<>();
    private final Deque<Part> inFlight = new ArrayDeque<>();
    private final Deque<byte[]> free = new ArrayDeque<>();
    private final List<MultipartPart> done = new ArrayList<>();
    private int sent;

    /**
     * @param first the buffer the writer holds (and will {@link #send}), taken from {@code buffers}; it goes back
     *     with the others on {@link #release()}
     * @param alreadySent the parts of the upload sent otherwise before these (numbered from 1); these follow them
     */
    PartUploads(BlobStore blobStore, MultipartUpload upload, ExecutorService executor, int partSize, int maxBuffers,
                PartBuffers buffers, byte[] first, int alreadySent, StoreRetries retries) {
        this.buffers = buffers;
        this.owned.add(first);
        this.sent = alreadySent;
        this.retries = retries;
        this.blobStore = blobStore;
        this.upload = upload;
        this.executor = executor;
        this.partSize = partSize;
        this.maxBuffers = maxBuffers;
    }

    /** Returns the multipart upload these parts belong to. */
    MultipartUpload upload() {
        return upload;
    }

    /** Returns the number of parts sent so far, those sent before these included. */
    int sent() {
        return sent;
    }

    /**
     * Starts uploading the first {@code length} bytes of {@code buffer} as the next part; does not wait.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the part
     */
    void send(byte[] buffer, int length) {
        Part part = new Part(sent + 1, buffer, length);
        part.handle = executor.submit(part);
        inFlight.add(part);
        sent++;
    }

    /**
     * Returns a buffer for the next part: one a finished part freed, a new one while fewer than the maximum
     * exist and the pool has room, else the first to be freed, waiting for it.
     *
     * @throws RuntimeException what a finished part's upload threw
     * @throws InterruptedIOException if the thread is interrupted while waiting
     */
    byte[] freeBuffer() throws InterruptedIOException {
        collectFinished();
        if (free.isEmpty() && owned.size() < maxBuffers) {
            byte[] taken = buffers.tryTake(partSize);
            if (taken != null) {
                owned.add(taken);
                return taken;
            }
        }
        while (free.isEmpty()) {
            awaitAny();
            collectFinished();
        }
        return free.pop();
    }

    /**
     * Waits for every part sent here and returns them in part order.
     *
     * @throws RuntimeException what a part's upload threw
     * @throws InterruptedIOException if the thread is interrupted while waiting
     */
    List<MultipartPart> awaitAll() throws InterruptedIOException {
        collectFinished();
        while (!inFlight.isEmpty()) {
            awaitAny();
            collectFinished();
        }
        done.sort(Comparator.comparingInt(MultipartPart::partNumber));
        return List.copyOf(done);
    }

    /**
     * Cancels the parts not yet finished and waits until none is running, so that an abort that follows cannot
     * race a part still arriving at the store. Throws nothing: the parts' own failures no longer matter.
     */
    void cancelAll() {
        // Every queued part is skipped before any running one is interrupted: an interrupted part frees its
        // thread at once, which would otherwise start the next queued part before its turn to be skipped came.
        List<Part> running = inFlight.stream().filter(part -> !part.skip()).toList();
        running.forEach(Part::interrupt);
        for (Part part : inFlight) {
            // join, not get: an interrupt must not cut the wait short, or a part could land after the abort.
            part.result.handle((ok, failure) -> null).join();
            free.push(part.buffer);
        }
        inFlight.clear();
    }

    /**
     * Gives every buffer of these parts back to the pool; only once {@link #awaitAll} or {@link #cancelAll} has
     * returned, so that no part still reads one. Nothing may use them afterwards.
     */
    void release() {
        owned.forEach(buffers::give);
        owned.clear();
        free.clear();
    }

    private void awaitAny() throws InterruptedIOException {
        CompletableFuture<?>[] results = inFlight.stream().map(p -> p.result).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.anyOf(results).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while waiting for "
                    + inFlight.size() + " part uploads of " + upload.blobName());
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException | CancellationException e) {
            // collectFinished rethrows the failure of the part that finished.
        }
    }

    private void collectFinished() {
        for (var it = inFlight.iterator(); it.hasNext(); ) {
            Part part = it.next();
            if (!part.result.isDone()) {
                continue;
            }
            it.remove();
            free.push(part.buffer);
            try {
                done.add(part.result.join());
            } catch (CompletionException e) {
                throw rethrowable(e.getCause());
            }
        }
    }

    private static RuntimeException rethrowable(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        return new IllegalStateException("A part upload failed", failure);
    }

    private static Payload payload(byte[] buffer, int length) {
        Payload payload = Payloads.newByteSourcePayload(ByteSource.wrap(buffer).slice(0, length));
        payload.getContentMetadata().setContentLength((long) length);
        return payload;
    }

    /** One part: runs once on the executor, unless cancelled before it starts. */
    private final class Part implements Runnable {
        private final int number;
        private final byte[] buffer;
        private final int length;
        // Whoever sets it first, the part starting or a cancel, decides whether the upload runs at all.
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CompletableFuture<MultipartPart> result = new CompletableFuture<>();
        private Future<?> handle;

        Part(int number, byte[] buffer, int length) {
            this.number = number;
            this.buffer = buffer;
            this.length = length;
        }

        @Override
        public void run() {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                result.complete(retries.run("part " + number + " of " + upload.blobName(),
                        () -> blobStore.uploadMultipartPart(upload, number, payload(buffer, length))));
            } catch (Throwable t) {
                // Everything, Errors included, goes to the writer thread, which decides what the caller sees.
                result.completeExceptionally(t);
            }
        }

        /** Returns whether the part was skipped before it started; false if it is running or has run. */
        boolean skip() {
            if (claimed.compareAndSet(false, true)) {
                result.cancel(false);
                return true;
            }
            return false;
        }

        /** The interrupt stops jclouds' retry back-off; a request under way runs to its end. */
        void interrupt() {
            handle.cancel(true);
        }
    }
}
