package dev.uploadkit.core.internal.storage;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.storage.StorageCheck;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One connectivity check of a storage connection: opens it afresh, then writes, reads back and deletes a probe
 * object, timing each step and stopping at the first failure, which it names with a message that carries no secret.
 *
 * <p>The steps run on a thread of their own and the caller waits for them at most the check's timeout: a storage
 * that accepts connections but never answers is then reported as failing at the step it hangs in, after the timeout,
 * rather than after the store client's own timeouts and retries (four minutes for S3). A check that timed out is
 * left to end on its own thread, which then removes its probe and closes its store.
 */
final class StorageProbe implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageProbe.class);
    private static final byte[] PROBE = "uploadkit storage probe\n".getBytes(StandardCharsets.US_ASCII);

    private final StorageConnection connection;
    private final Supplier<FileStore> open;
    private final String key = "uploadkit-probe-" + UUID.randomUUID() + ".txt";
    /** The steps done so far; guarded by this. */
    private final List<StorageCheck.Step> steps = new ArrayList<>();
    private String step = "connect";
    private long stepStarted = System.nanoTime();
    private StorageCheck result;

    private StorageProbe(StorageConnection connection, Supplier<FileStore> open) {
        this.connection = connection;
        this.open = open;
    }

    /** Checks {@code connection}, opened with {@code open}, waiting at most {@code timeout} for the answer. */
    static StorageCheck check(StorageConnection connection, Supplier<FileStore> open, Duration timeout) {
        StorageProbe probe = new StorageProbe(connection, open);
        Thread thread = new Thread(probe, "uploadkit-storage-check-" + connection.id());
        thread.setDaemon(true);
        thread.start();
        return probe.await(timeout);
    }

    @Override
    public void run() {
        FileStore store = null;
        boolean removed = false;
        try {
            store = open.get();
            next("write");
            store.put(key, new ByteArrayInputStream(PROBE), "text/plain");
            next("read");
            byte[] read;
            StoredObject object = store.get(key, Optional.empty());
            try (InputStream in = object.content()) {
                read = in.readAllBytes();
            }
            if (!Arrays.equals(read, PROBE)) {
                throw new UploadException(ErrorCode.STORAGE_ERROR, "The probe object read back differs from what was "
                        + "written.");
            }
            next("delete");
            store.delete(key);
            removed = true;
            finish(null);
        } catch (UploadException | IOException e) {
            String message = e instanceof UploadException ? e.getMessage() : "The probe object could not be read.";
            LOG.info("Storage check of {} failed at {}: {}", connection.id(), currentStep(), message);
            finish(message);
        } catch (RuntimeException e) {
            LOG.warn("Storage check of {} failed at {}", connection.id(), currentStep(), e);
            finish("The " + currentStep() + " step failed unexpectedly.");
        } finally {
            if (store != null) {
                closeQuietly(store, !removed);
            }
        }
    }

    /** Ends the current step as done and starts {@code name}. */
    private synchronized void next(String name) {
        steps.add(new StorageCheck.Step(step, true, elapsedMs()));
        step = name;
        stepStarted = System.nanoTime();
    }

    private synchronized String currentStep() {
        return step;
    }

    /** Ends the check: every step done when {@code error} is null, else the current one failed with it. */
    private synchronized void finish(String error) {
        if (result != null) {
            return;
        }
        if (error == null) {
            steps.add(new StorageCheck.Step(step, true, elapsedMs()));
            result = new StorageCheck(true, List.copyOf(steps), null, null);
        } else {
            steps.add(new StorageCheck.Step(step, false, elapsedMs()));
            result = new StorageCheck(false, List.copyOf(steps), step, error);
        }
        notifyAll();
    }

    private synchronized StorageCheck await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (long left = timeout.toNanos(); result == null && left > 0; left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (result == null) {
            LOG.info("Storage check of {} got no answer at {} within {}", connection.id(), step, timeout);
            finish("The storage did not answer the " + step + " step within " + timeout.toSeconds() + " s.");
        }
        return result;
    }

    private long elapsedMs() {
        return (System.nanoTime() - stepStarted) / 1_000_000;
    }

    private void closeQuietly(FileStore store, boolean removeProbe) {
        try {
            if (removeProbe) {
                store.delete(key);
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not remove probe {} from {}", key, store.id());
        } finally {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.debug("Could not close probe store {}", store.id());
            }
        }
    }
}
