package dev.uploadkit.core;

import dev.uploadkit.core.catalog.RemoteCopyJobs;
import dev.uploadkit.core.internal.storage.Connections;
import dev.uploadkit.core.internal.storage.RemoteCopies;
import dev.uploadkit.core.storage.RemoteCopy;
import dev.uploadkit.core.webhook.DownloadLinks;
import dev.uploadkit.core.storage.StorageCheck;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageRequest;
import dev.uploadkit.core.storage.StorageStats;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A project's own storage ("bring your own bucket"): S3-compatible buckets, folders under the server's configured
 * roots, or (for tests) memory. Obtained from {@link UploadService#storage()}; what a server allows is set with
 * {@link UploadServiceBuilder#storageSettings}.
 *
 * <p>Every method is scoped to a project: another project's connection is {@code NOT_FOUND}, never
 * {@code FORBIDDEN}. Secret keys are sealed (AES-256-GCM) before they are stored and never returned: a
 * {@link StorageConnection} carries only the sealed text. Adding and removing fire {@code storage.connected} and
 * {@code storage.disconnected} through the outbox, in the transaction of the change. Thread-safe; every method blocks
 * on the catalog, {@link #test} also on the store.
 */
public final class StorageService {
    private final Connections connections;
    private final RemoteCopies copies;

    StorageService(Connections connections, RemoteCopies copies) {
        this.connections = connections;
        this.copies = copies;
    }

    /**
     * Returns the public base URL of the project's storage {@code storageId} if it is a connection that has one:
     * public files there are served at {@code <url>/<object key>}. Answers from a cache of a few seconds.
     */
    public Optional<String> publicBaseUrl(UUID projectId, String storageId) {
        return connections.publicBaseUrl(projectId, storageId);
    }

    /** Returns where a public, completed file on a storage with a public base URL is served (SPEC §3), if it is. */
    public Optional<String> publicUrl(Upload u) {
        if (!u.isPublic() || u.status() != UploadStatus.COMPLETED || u.objectKey() == null || u.isTrashed()) {
            return Optional.empty();
        }
        return publicBaseUrl(u.projectId(), u.storageId()).map(base -> DownloadLinks.publicUrl(base, u.objectKey()));
    }

    /** Returns the project's connections, oldest first. */
    public List<StorageConnection> list(UUID projectId) {
        return connections.list(projectId);
    }

    /**
     * Returns one connection.
     *
     * @throws UploadException {@code NOT_FOUND}
     */
    public StorageConnection get(UUID projectId, UUID id) {
        return connections.get(projectId, id);
    }

    /**
     * Adds a connection without contacting it (see {@link #test}).
     *
     * @throws UploadException {@code VALIDATION_ERROR} with every field's problem, such as an endpoint that resolves
     *     to a private or metadata address the outbound policy refuses, or a provider the server does not enable
     */
    public StorageConnection add(UUID projectId, StorageRequest request) {
        return connections.add(projectId, request);
    }

    /**
     * Changes the fields the request gives; the provider is fixed. The open store is closed and opened again with
     * the new settings when next needed.
     *
     * @throws UploadException {@code NOT_FOUND}, {@code VALIDATION_ERROR}, or {@code CONFLICT} when the endpoint or
     *     bucket would change while files live there
     */
    public StorageConnection update(UUID projectId, UUID id, StorageRequest request) {
        return connections.update(projectId, id, request);
    }

    /**
     * Removes a connection and closes its store.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} while files (trash included) live there
     */
    public void remove(UUID projectId, UUID id) {
        connections.remove(projectId, id);
    }

    /**
     * Makes the connection the project's default; the previous default stops being one.
     *
     * @throws UploadException {@code NOT_FOUND}
     */
    public StorageConnection makeDefault(UUID projectId, UUID id) {
        return connections.makeDefault(projectId, id);
    }

    /**
     * Writes, reads back and deletes a probe object through a freshly opened store, timing each step. A failure is
     * reported in the result, not thrown.
     *
     * @throws UploadException {@code NOT_FOUND}
     */
    public StorageCheck test(UUID projectId, UUID id) {
        return connections.test(projectId, id);
    }

    /**
     * Returns the project's live files in the connection, in all and per folder; {@code id} may also name a store the
     * host configured, by the UUID clients see for it ({@link dev.uploadkit.core.store.StoreIds#wire}).
     *
     * @throws UploadException {@code NOT_FOUND}
     */
    public StorageStats stats(UUID projectId, UUID id) {
        return connections.stats(projectId, id);
    }

    /**
     * Copies an upload's bytes into one of the project's connections under a key made from {@code pattern}
     * ({@code ${folder}}, {@code ${uuid}}, {@code ${filename}}, {@code ${ext}} with its dot; null for
     * {@link RemoteCopy#DEFAULT_PATTERN}), streaming from store to store in bounded memory. The copy is the bucket
     * owner's: no upload record is made, and an object already under the key is never replaced.
     *
     * <p>A file of at most {@link UploadServiceBuilder#remoteCopyJobThreshold} is copied before this returns
     * ({@code completed}). A larger one is copied by a durable job that the {@code BackgroundWork} of any instance
     * sharing the catalog runs ({@link #claimRemoteCopies}, {@link #runRemoteCopy}): this returns it {@code pending}
     * with its {@link RemoteCopy#id()}, which {@link #remoteCopyJob} reads later; a job ends {@code completed} or
     * {@code failed} with an {@code error}, and a failed one leaves nothing under the key.
     *
     * @param makePublic whether the answer should carry the copy's public URL (when the storage has a public base URL)
     * @throws UploadException {@code NOT_FOUND} for an unknown upload or a storage that is not one of the project's
     *     connections; {@code CONFLICT} for a trashed or incomplete upload, or if the key is taken or another copy is
     *     going there; {@code VALIDATION_ERROR} on {@code pattern}; {@code STORAGE_ERROR}
     */
    public RemoteCopy remoteCopy(UUID projectId, UUID uuid, String storageId, String pattern, boolean makePublic) {
        return copies.copy(projectId, uuid, storageId, pattern, makePublic);
    }

    /**
     * Returns the project's remote copy job {@code id} of upload {@code uuid}, as it stands.
     *
     * @throws UploadException {@code NOT_FOUND} if there is no such job
     */
    public RemoteCopy remoteCopyJob(UUID projectId, UUID uuid, UUID id) {
        return copies.find(projectId, uuid, id);
    }

    /**
     * Claims up to {@code max} remote copy jobs of any project for this instance (pending ones, and those of instances
     * that stopped sending heartbeats); run each with {@link #runRemoteCopy}.
     */
    public List<RemoteCopyJobs.Job> claimRemoteCopies(int max) {
        return copies.claim(max);
    }

    /** Runs a claimed remote copy job to its end; its failure is recorded on the job, not thrown. */
    public void runRemoteCopy(RemoteCopyJobs.Job job) {
        copies.run(job);
    }

    /**
     * Seals again under the current master key every secret sealed under a previous one (after a rotation); returns
     * how many. The standalone server runs it at start.
     */
    public int resealSecrets() {
        return connections.resealSecrets();
    }
}
