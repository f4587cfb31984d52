package dev.uploadkit.core.internal.store;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Finds and aborts the unfinished multipart uploads of one bucket that no write owns any more: those a crash
 * cut off, and those whose start was retried after its reply was lost, so that the server began one the
 * writer never learned of.
 *
 * <p>jclouds does not report when an upload was initiated, so an upload's age counts from when this object
 * first listed it (system clock): an upload is aborted by the first sweep with a {@code before} later than that,
 * if no live write owns its key then. Until a process has swept once, nothing is old; a restart starts over.
 */
final class StaleMultipartUploads {
    private static final Logger LOG = LoggerFactory.getLogger(StaleMultipartUploads.class);

    private final BlobStore blobStore;
    private final String container;
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

    StaleMultipartUploads(BlobStore blobStore, String container) {
        this.blobStore = blobStore;
        this.container = container;
    }

    /** Aborts the uploads first seen before {@code before} whose key {@code ownedKey} denies; returns how many. */
    synchronized int abort(Instant before, Predicate<String> ownedKey) {
        Instant now = Instant.now();
        List<MultipartUpload> uploads = blobStore.listMultipartUploads(container);
        Set<String> listed = new HashSet<>();
        int aborted = 0;
        for (MultipartUpload upload : uploads) {
            listed.add(upload.id());
            Instant seen = firstSeen.computeIfAbsent(upload.id(), id -> now);
            if (seen.isBefore(before) && !ownedKey.test(upload.blobName()) && abort(upload)) {
                listed.remove(upload.id());
                aborted++;
            }
        }
        firstSeen.keySet().retainAll(listed);
        return aborted;
    }

    /** Aborts every unfinished upload of {@code key} now, whatever its age; returns how many. */
    synchronized int abortAll(String key) {
        int aborted = 0;
        for (MultipartUpload upload : blobStore.listMultipartUploads(container)) {
            if (upload.blobName().equals(key) && abort(upload)) {
                firstSeen.remove(upload.id());
                aborted++;
            }
        }
        return aborted;
    }

    private boolean abort(MultipartUpload upload) {
        try {
            blobStore.abortMultipartUpload(upload);
            LOG.info("Aborted unfinished multipart upload {} of {} in bucket {}", upload.id(), upload.blobName(),
                    container);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Could not abort multipart upload {} of {} in bucket {}: {}", upload.id(),
                    upload.blobName(), container, StoreRetries.describe(e));
            return false;
        }
    }
}
