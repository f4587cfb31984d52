package dev.uploadkit.core.internal.storage;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.internal.Ingest;
import dev.uploadkit.core.internal.store.ObjectKeys;
import dev.uploadkit.core.storage.RemoteCopy;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoredObject;

import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.catalog.RemoteCopyJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies an upload's bytes into one of the project's storage connections under a key made from a pattern, streaming
 * from store to store (memory bounded by the target store's part buffers, whatever the size). The copy belongs to the
 * bucket's owner: no upload record is made for it, and it never replaces an object already under its key.
 *
 * <p>A file larger than the job threshold is copied by a durable job ({@link RemoteCopyJobs}) that any instance's
 * background work claims and runs ({@link #claim}, {@link #run}); one cut off by a crash is run again by whichever
 * instance claims it next, at most {@value #COPY_ATTEMPTS} runs in all. A failed run leaves nothing under the key.
 */
public final class RemoteCopies {
    /** Runs of one copy job at most: a job cut off this often by crashes fails {@code INTERRUPTED}. */
    public static final int COPY_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(RemoteCopies.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final Catalog catalog;
    private final ConnectionLocator locator;
    private final Supplier<Instant> clock;
    private final IdSource ids;
    private final String instanceId;
    private final long jobThreshold;
    private final Duration interruptedAfter;

    /**
     * @param jobThreshold the size above which a copy runs as a job
     * @param interruptedAfter how long without heartbeats before a job's instance counts as gone
     */
    public RemoteCopies(Catalog catalog, ConnectionLocator locator, Supplier<Instant> clock, IdSource ids,
                        String instanceId, long jobThreshold, Duration interruptedAfter) {
        this.catalog = catalog;
        this.locator = locator;
        this.clock = clock;
        this.ids = ids;
        this.instanceId = instanceId;
        this.jobThreshold = jobThreshold;
        this.interruptedAfter = interruptedAfter;
    }

    /**
     * Copies upload {@code uuid} to connection {@code storageId} under {@code pattern} (null: {@link
     * RemoteCopy#DEFAULT_PATTERN}): at once if it is at most the job threshold, else by a job added here (the answer
     * is then {@code pending}).
     *
     * @throws UploadException {@code NOT_FOUND} for an unknown, trashed or incomplete upload, or a storage that is not
     *     one of the project's connections; {@code VALIDATION_ERROR} on {@code pattern} for an unknown placeholder or
     *     a key that is not valid; {@code CONFLICT} if an object already lives under the key, or another copy is
     *     going there; {@code STORAGE_ERROR}
     */
    public RemoteCopy copy(UUID projectId, UUID uuid, String storageId, String pattern, boolean makePublic) {
        Upload found = catalog.inTransaction(tx -> tx.uploads().find(projectId, uuid))
                .orElseThrow(() -> UploadException.notFound("File"));
        if (found.isTrashed()) {
            throw new UploadException(ErrorCode.CONFLICT, "The file is in trash; restore it before copying it.");
        }
        Upload upload = copyable(projectId, uuid).orElseThrow(() -> new UploadException(ErrorCode.CONFLICT,
                "Only a completed file can be copied."));
        StorageConnection target = parse(storageId)
                .flatMap(id -> catalog.inTransaction(tx -> tx.storage().find(projectId, id)))
                .orElseThrow(() -> UploadException.notFound("Storage"));
        String key = key(pattern == null || pattern.isBlank() ? RemoteCopy.DEFAULT_PATTERN : pattern, upload);
        FileStore source = source(projectId, upload);
        FileStore destination = locator.storeOf(target);
        if (destination.size(key).isPresent()) {
            throw taken(key);
        }
        String url = makePublic && target.publicBaseUrl() != null ? target.publicBaseUrl() + "/" + key : null;
        if (upload.sizeBytes() > jobThreshold) {
            Instant now = clock.get();
            RemoteCopyJobs.Job job = new RemoteCopyJobs.Job(ids.next(), projectId, uuid, target.storageId(), key,
                    makePublic, upload.sizeBytes(), RemoteCopyJobs.State.PENDING, 0, null, now, now);
            catalog.inTransaction(tx -> {
                if (keyInUse(tx, target.storageId(), key)) {
                    throw taken(key);
                }
                tx.remoteCopies().add(job);
                return null;
            });
            return view(job, target);
        }
        if (catalog.inTransaction(tx -> keyInUse(tx, target.storageId(), key))) {
            throw taken(key);
        }
        long size = stream(source, upload, destination, key);
        return new RemoteCopy(null, RemoteCopyJobs.State.COMPLETED.wireName(), target.storageId(), key, size, url, null);
    }

    /**
     * Returns a copy job of the project whose source is upload {@code uuid}.
     *
     * @throws UploadException {@code NOT_FOUND} if there is none
     */
    public RemoteCopy find(UUID projectId, UUID uuid, UUID id) {
        RemoteCopyJobs.Job job = catalog.inTransaction(tx -> tx.remoteCopies().find(projectId, id))
                .filter(j -> j.uploadUuid().equals(uuid))
                .orElseThrow(() -> UploadException.notFound("Remote copy"));
        StorageConnection target = parse(job.storageId())
                .flatMap(s -> catalog.inTransaction(tx -> tx.storage().find(projectId, s)))
                .orElse(null);
        return view(job, target);
    }

    /** Claims up to {@code max} copy jobs of any project for this instance: pending ones and those of gone instances. */
    public List<RemoteCopyJobs.Job> claim(int max) {
        Instant now = clock.get();
        return catalog.inTransaction(tx -> tx.remoteCopies().claim(instanceId, now.minus(interruptedAfter), now, max));
    }

    /** Runs a claimed job to its end and records how it ended; failures are recorded, not thrown. */
    public void run(RemoteCopyJobs.Job job) {
        if (job.attempts() > COPY_ATTEMPTS) {
            finish(job, RemoteCopyJobs.State.FAILED, 0, new UploadError("INTERRUPTED", "The copy was cut off by "
                    + "restarts " + COPY_ATTEMPTS + " times."));
            return;
        }
        long size;
        try {
            size = copyFor(job);
        } catch (UploadException e) {
            finish(job, RemoteCopyJobs.State.FAILED, 0, UploadError.fitted(e.code().name(), e.getMessage(),
                    "The copy failed."));
            return;
        } catch (RuntimeException e) {
            LOG.warn("Remote copy {} failed", job.id(), e);
            finish(job, RemoteCopyJobs.State.FAILED, 0,
                    new UploadError(ErrorCode.STORAGE_ERROR.name(), "The copy failed in the store."));
            return;
        }
        finish(job, RemoteCopyJobs.State.COMPLETED, size, null);
    }

    private long copyFor(RemoteCopyJobs.Job job) {
        Upload upload = copyable(job.projectId(), job.uploadUuid()).orElseThrow(() -> new UploadException(
                ErrorCode.NOT_FOUND, "The file is no longer there to copy (deleted, trashed or changed)."));
        StorageConnection target = parse(job.storageId())
                .flatMap(id -> catalog.inTransaction(tx -> tx.storage().find(job.projectId(), id)))
                .orElseThrow(() -> new UploadException(ErrorCode.NOT_FOUND, "The target storage was removed."));
        FileStore destination = locator.storeOf(target);
        Optional<Long> existing = destination.size(job.objectKey());
        if (existing.isPresent()) {
            if (job.attempts() > 1 && existing.get() == upload.sizeBytes()) {
                // An earlier run stored the copy and was cut off before recording it.
                return existing.get();
            }
            throw taken(job.objectKey());
        }
        return stream(source(job.projectId(), upload), upload, destination, job.objectKey());
    }

    private void finish(RemoteCopyJobs.Job job, RemoteCopyJobs.State state, long size, UploadError error) {
        boolean held = catalog.inTransaction(tx -> tx.remoteCopies().finish(job.id(), instanceId, state, size, error,
                clock.get()));
        if (!held) {
            LOG.warn("Remote copy {} was taken over by another instance before it ended here", job.id());
        }
    }

    /**
     * Streams the upload's bytes from {@code source} to {@code key} of {@code destination}; removes the copy again if
     * it is not the upload's size (the source changed or was cut short), so that a failure leaves nothing.
     */
    private static long stream(FileStore source, Upload upload, FileStore destination, String key) {
        long size;
        try (StoredObject object = Ingest.read(source, upload, Optional.empty());
             InputStream in = object.content()) {
            size = destination.put(key, in, upload.mimeType(), upload.sizeBytes());
        } catch (IOException e) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "The file could not be read for the copy.", e);
        }
        if (size != upload.sizeBytes()) {
            destination.delete(key);
            throw new UploadException(ErrorCode.STORAGE_ERROR, "The stored file has " + size + " bytes instead of "
                    + upload.sizeBytes() + "; nothing was copied.");
        }
        return size;
    }

    private Optional<Upload> copyable(UUID projectId, UUID uuid) {
        return catalog.inTransaction(tx -> tx.uploads().find(projectId, uuid))
                .filter(u -> !u.isTrashed() && u.status() == UploadStatus.COMPLETED && u.objectKey() != null);
    }

    private FileStore source(UUID projectId, Upload upload) {
        return locator.locate(projectId, upload.storageId()).orElseThrow(() -> new UploadException(
                ErrorCode.STORAGE_ERROR, "The store " + upload.storageId() + " is not configured."));
    }

    private static boolean keyInUse(dev.uploadkit.core.catalog.CatalogTransaction tx, String storageId, String key) {
        return tx.blobs().writing(storageId, key) || tx.remoteCopies().copiesTo(storageId, key);
    }

    private static UploadException taken(String key) {
        return new UploadException(ErrorCode.CONFLICT, "An object already lives under " + key + " in that storage, or "
                + "another copy is going there; choose another pattern.");
    }

    private static RemoteCopy view(RemoteCopyJobs.Job job, StorageConnection target) {
        String url = job.makePublic() && target != null && target.publicBaseUrl() != null
                ? target.publicBaseUrl() + "/" + job.objectKey() : null;
        return new RemoteCopy(job.id(), job.state().wireName(), job.storageId(), job.objectKey(), job.sizeBytes(), url,
                job.error());
    }

    /** Replaces {@code ${folder}}, {@code ${uuid}}, {@code ${filename}} and {@code ${ext}} and checks the key. */
    static String key(String pattern, Upload upload) {
        String filename = upload.filename();
        int dot = filename.lastIndexOf('.');
        Map<String, String> values = Map.of("folder", upload.folder(), "uuid", upload.uuid().toString(),
                "filename", filename, "ext", dot > 0 ? filename.substring(dot) : "");
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw UploadException.validation("pattern", "Unknown placeholder ${" + m.group(1) + "}; use ${folder}, "
                        + "${uuid}, ${filename} and ${ext}.");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        String key = out.toString().replaceAll("/{2,}", "/").replaceAll("^/|/$", "");
        try {
            ObjectKeys.check(key);
        } catch (UploadException e) {
            throw UploadException.validation("pattern", "The pattern gives the key '" + key + "', which "
                    + e.getMessage().replaceFirst("^The object key ", ""));
        }
        return key;
    }

    private static Optional<UUID> parse(String storageId) {
        try {
            return storageId != null && storageId.length() == 36 ? Optional.of(UUID.fromString(storageId))
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
