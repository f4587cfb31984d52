package dev.uploadkit.core.catalog;

import dev.uploadkit.core.UploadError;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable jobs of large remote copies ({@code files/{uuid}/remote-copy} above the service's threshold). A job is
 * {@code pending} from the request that adds it until an instance claims it ({@code processing} on that instance),
 * then {@code completed} or {@code failed}; finished jobs stay readable.
 *
 * <p>Instances sharing the catalog claim jobs with {@link #claim}: a job is claimed by one instance at a time, and one
 * whose instance stopped sending heartbeats can be claimed again (each claim counts an attempt), so a crash or restart
 * never loses a copy. Only the instance holding a job can finish it.
 */
public interface RemoteCopyJobs {

    /** Where a job stands. */
    enum State {
        PENDING, PROCESSING, COMPLETED, FAILED;

        /** Returns the name on the wire and in the catalog, e.g. {@code pending}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Returns the state of a wire name. */
        public static State parse(String wireName) {
            return valueOf(wireName.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * A remote copy job.
     *
     * @param uploadUuid the upload whose bytes are copied
     * @param storageId the target connection's storage id
     * @param sizeBytes the upload's size when the job was added; once completed, the bytes written
     * @param attempts how many times the job was claimed
     * @param error why it failed, else null
     */
    record Job(UUID id, UUID projectId, UUID uploadUuid, String storageId, String objectKey, boolean makePublic,
               long sizeBytes, State state, int attempts, UploadError error, Instant createdAt, Instant updatedAt) {
        public Job {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(projectId, "projectId");
            Objects.requireNonNull(uploadUuid, "uploadUuid");
            Objects.requireNonNull(storageId, "storageId");
            Objects.requireNonNull(objectKey, "objectKey");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(updatedAt, "updatedAt");
        }
    }

    /** Adds a job, normally {@code pending} with no attempts. */
    void add(Job job);

    /** Returns the project's job with this id. */
    Optional<Job> find(UUID projectId, UUID id);

    /** Returns whether a pending or processing job of any project copies to this key of this storage. */
    boolean copiesTo(String storageId, String objectKey);

    /**
     * Claims up to {@code limit} jobs of any project, oldest first, for {@code instanceId}: pending ones, and processing
     * ones whose instance has recorded no heartbeat since {@code aliveSince}. Each becomes {@code processing} on
     * {@code instanceId} with one more attempt and {@code updatedAt = now}. Two instances never claim one job at once.
     */
    List<Job> claim(String instanceId, Instant aliveSince, Instant now, int limit);

    /**
     * Ends a job {@code instanceId} holds: {@code completed} with the bytes written ({@code error} null), or
     * {@code failed} with its {@code error}.
     *
     * @return false, changing nothing, if the job is not processing on {@code instanceId} (another instance took it)
     */
    boolean finish(UUID id, String instanceId, State state, long sizeBytes, UploadError error, Instant now);

    /**
     * Deletes up to {@code limit} finished ({@code completed} or {@code failed}) jobs of any project created before
     * {@code before}, oldest first; returns how many. Pending and processing jobs are never deleted.
     */
    int expire(Instant before, int limit);
}
