package dev.uploadkit.core;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.DedupStats;
import dev.uploadkit.core.catalog.ProjectTotals;
import dev.uploadkit.core.internal.BlobReaper;
import dev.uploadkit.core.internal.CrashSweep;
import dev.uploadkit.core.internal.Deletions;
import dev.uploadkit.core.internal.EventRelay;
import dev.uploadkit.core.internal.Events;
import dev.uploadkit.core.internal.ReadAheadInputStream;
import dev.uploadkit.core.internal.InFlight;
import dev.uploadkit.core.internal.Hashes;
import dev.uploadkit.core.internal.Ingest;
import dev.uploadkit.core.internal.IngestOrigin;
import dev.uploadkit.core.internal.MetadataOps;
import dev.uploadkit.core.internal.Copies;
import dev.uploadkit.core.internal.Trashing;
import dev.uploadkit.core.internal.Lifecycle;
import dev.uploadkit.core.internal.UrlImports;
import dev.uploadkit.core.catalog.ImportJobs;
import dev.uploadkit.core.net.OutboundHttp;
import dev.uploadkit.core.internal.TypePolicy;
import dev.uploadkit.core.store.ByteRange;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.internal.storage.ConnectionLocator;
import dev.uploadkit.core.internal.storage.ConnectionStores;
import dev.uploadkit.core.internal.storage.Connections;
import dev.uploadkit.core.internal.storage.RemoteCopies;
import dev.uploadkit.core.webhook.DownloadLinks;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * Uploadkit's file operations for one service: upload, read, list, change, trash and delete, with
 * deduplication. Every operation is scoped to a project; another project's uploads are never found.
 *
 * <p>Thread-safe. Every method blocks until the catalog and store have answered and throws
 * {@link UploadException} on failure. An upload that fails leaves nothing behind: no object, no record.
 *
 * <p>Built with {@link #builder()}. Reading upload sources ahead of hashing and storing runs on an executor: the
 * host's ({@link UploadServiceBuilder#readAheadExecutor}), which stays the host's to shut down, or one of the service's own,
 * shut down by {@link #close()}.
 */
public final class UploadService implements AutoCloseable {
    private final Catalog catalog;
    private final ConnectionLocator stores;
    private final StorageService storage;
    private final String defaultStoreId;
    private final Clock clock;
    private final EventRelay relay;
    private final DataSize maxFileSize;
    private final Ingest ingest;
    private final String instanceId;
    /** The read-ahead executor if this service created it, else null. */
    private final ExecutorService ownReadAhead;
    private volatile boolean closed;
    private final Duration interruptedAfter;
    private final long listCountLimit;
    private final CrashSweep sweep;
    private final Deletions deletions;
    private final Events events;
    private final Trashing trashing;
    private final Copies copies;
    private final MetadataOps metadataOps;
    private final UrlImports imports;
    private final Lifecycle lifecycle;

    UploadService(UploadServiceBuilder b) {
        this.instanceId = b.instanceId == null ? UUID.randomUUID().toString() : b.instanceId;
        this.ownReadAhead = b.readAhead == null ? ReadAheadInputStream.newExecutor() : null;
        ExecutorService readAhead = b.readAhead == null ? ownReadAhead : b.readAhead;
        this.catalog = b.catalog;
        ConnectionStores connectionStores = new ConnectionStores(b.storageSettings);
        this.stores = new ConnectionLocator(b.catalog, b.configuredStores(), connectionStores, b.lookupCacheTtl);
        this.defaultStoreId = b.defaultStoreId;
        this.clock = b.clock;
        IdSource ids = b.ids == null ? IdSource.timeOrdered(b.clock) : b.ids;
        InFlight inFlight = new InFlight();
        this.events = new Events(ids, this::now);
        this.maxFileSize = b.maxFileSize;
        BlobReaper reaper = new BlobReaper(catalog, blob -> store(blob.projectId(), blob.storageId()));
        this.ingest = new Ingest(catalog, reaper, this::now, ids, new TypePolicy(b.allowedTypes), events,
                readAhead, instanceId, inFlight);
        this.interruptedAfter = b.interruptedAfter;
        OutboundHttp http = OutboundHttp.builder().policy(b.outboundPolicy).connectTimeout(b.importConnectTimeout)
                .totalTimeout(b.importTimeout).maxResponseBytes(maxFileSize.bytes()).build();
        this.imports = new UrlImports(catalog, ingest, http, this::uploadStore, this::now, ids, events, instanceId,
                maxFileSize.bytes(), inFlight);
        this.lifecycle = new Lifecycle(catalog, reaper, this::now, events, inFlight);
        this.listCountLimit = b.listCountLimit;
        this.deletions = new Deletions(catalog, reaper, events, this::now);
        this.trashing = new Trashing(catalog, events, this::now);
        this.copies = new Copies(catalog, (project, id) -> stores.locate(project, id).orElse(null), this::upload, events,
                ids, this::now);
        this.metadataOps = new MetadataOps(catalog, events, this::now);
        this.storage = new StorageService(new Connections(catalog, stores, connectionStores, ids, this::now, events),
                new RemoteCopies(catalog, stores, this::now, ids, instanceId, b.remoteCopyJobThreshold.bytes(),
                        b.interruptedAfter));
        this.sweep = new CrashSweep(catalog, reaper, this::now, instanceId, stores::openStores, events);
        DownloadLinks links = b.downloadLinks;
        this.relay = new EventRelay(b.backgroundCatalog == null ? catalog : b.backgroundCatalog, b.sink, this::now,
                ids, u -> storage.publicUrl(u).orElseGet(() -> links.downloadUrl(u)), events);
    }

    /**
     * Shuts down the read-ahead executor if this service created it (a host's executor is left running) and closes
     * the stores the service opened itself (those of storage connections; stores given to
     * {@link UploadServiceBuilder#store} stay the host's to close). Uploads still streaming fail; new uploads are
     * refused with {@code SERVICE_UNAVAILABLE}. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (ownReadAhead != null) {
            ownReadAhead.shutdownNow();
        }
        stores.close();
    }

    /**
     * Returns the id under which this service records its {@code processing} uploads, so that a crash sweep can
     * tell whose they are (see {@link UploadServiceBuilder#instanceId}).
     */
    public String instanceId() {
        return instanceId;
    }

    /** Returns the projects' own storage connections, where uploads of a project go when it has a default one. */
    public StorageService storage() {
        return storage;
    }

    public static UploadServiceBuilder builder() {
        return new UploadServiceBuilder();
    }

    /** Returns the largest file this service accepts. */
    public DataSize maxFileSize() {
        return maxFileSize;
    }

    /** Returns the id of the server's default store: uploads go there unless a request or the project names another. */
    public String defaultStoreId() {
        return defaultStoreId;
    }

    /**
     * Stores {@code content}, of unknown length, as a new completed upload.
     *
     * <p>The bytes are hashed (SHA-256) and counted while they stream to the store; the type is detected
     * from their first bytes. When the project already holds the same bytes in the same store, the new
     * upload references that blob and the copy just written is removed ({@code deduplicated = true}).
     *
     * @throws UploadException {@code FILE_TOO_LARGE} past the size limit, {@code INVALID_FILE_TYPE} for a
     *     refused type (checked before anything is written), {@code STORAGE_ERROR} if the store fails,
     *     {@code NOT_FOUND} for a storage the project does not have (another project's connection included),
     *     {@code SERVICE_UNAVAILABLE} once the service is closed
     */
    public Upload upload(UploadRequest request, InputStream content) {
        return receive(request, content).complete(request);
    }

    /** As {@link #receive(UploadRequest, InputStream, long)}, the length unknown. */
    public ReceivedUpload receive(UploadRequest request, InputStream content) {
        return receive(request, content, -1);
    }

    /**
     * Stores {@code content} like {@link #upload} but leaves the upload {@code processing} until the returned
     * handle completes or aborts it, so that a request whose other fields arrive after the bytes can still name
     * the upload and its stored object after them. {@code expectedLength} is how many bytes {@code content} most
     * likely holds (-1: unknown), a hint a store may write faster with (S3: one streamed PUT), never trusted. Throws
     * {@link UploadException} as {@link #upload}; nothing is left behind when it throws.
     */
    public ReceivedUpload receive(UploadRequest request, InputStream content, long expectedLength) {
        Objects.requireNonNull(content, "content");
        FileStore store = uploadStore(request.projectId(), request.storageId());
        return new ReceivedUpload(ingest, ingest.stage(request, store, request.sizeLimit(maxFileSize.bytes()),
                content, IngestOrigin.direct(expectedLength)), this::uploadStore);
    }

    /**
     * Stores {@code content}, held whole in memory, like {@link #upload(UploadRequest, InputStream)}; on a store that
     * moves by renaming (a local folder) the upload then takes one durable transaction instead of two.
     *
     * @throws UploadException as {@link #upload(UploadRequest, InputStream)}
     */
    public Upload upload(UploadRequest request, byte[] content) {
        Objects.requireNonNull(content, "content");
        FileStore store = uploadStore(request.projectId(), request.storageId());
        return ingest.storeWhole(request, store, request.sizeLimit(maxFileSize.bytes()), content);
    }

    /**
     * Fetches {@code request}'s URL and stores it as a completed upload, like {@link #upload}, with {@code source_url}
     * set. Only addresses the outbound policy allows are reached ({@link UploadServiceBuilder#outboundPolicy}),
     * redirects included. Blocks until done; the upload is {@code processing} (and {@link #cancel cancellable}) first.
     *
     * @throws UploadException {@code VALIDATION_ERROR} on field {@code url} for a malformed or refused URL (or
     *     redirect); {@code SOURCE_ERROR} if the source is unreachable, too slow or answers an HTTP error;
     *     {@code FILE_TOO_LARGE}, {@code INVALID_FILE_TYPE}, {@code STORAGE_ERROR}; {@code CONFLICT} if cancelled.
     *     Nothing is left behind but a cancelled upload's record.
     */
    public Upload importFromUrl(ImportRequest request) {
        Objects.requireNonNull(request, "request");
        requireOpen();
        return imports.importNow(request.toUploadRequest(UrlImports.placeholderName(request)), request.filename(), request.url());
    }

    /**
     * Records an asynchronous import and returns its {@code pending} upload at once. The import is a durable job, run
     * by the {@code BackgroundWork} of any instance sharing the catalog ({@link #claimImports}, {@link #runImport}); it
     * ends {@code completed} or {@code failed} with an {@code error} ({@code SOURCE_FORBIDDEN}, {@code SOURCE_TIMEOUT},
     * ...) and {@code upload.failed}. One cut off by a crash is run again (at most
     * {@value UrlImports#IMPORT_ATTEMPTS} runs), then failed {@code INTERRUPTED}; one handed back runs again.
     *
     * @throws UploadException {@code VALIDATION_ERROR} on field {@code url} for a malformed URL
     */
    public Upload enqueueImport(ImportRequest request) {
        Objects.requireNonNull(request, "request");
        requireOpen();
        return imports.enqueue(request.toUploadRequest(UrlImports.placeholderName(request)), request.filename(), request.url());
    }

    /** Claims up to {@code max} pending imports of any project for this instance; run each with {@link #runImport}. */
    public List<ImportJobs.Job> claimImports(int max) {
        return imports.claim(max);
    }

    /** Runs a claimed import to its end and returns the upload as it ended; its failures are recorded, not thrown. */
    public Upload runImport(ImportJobs.Job job) {
        return imports.run(job);
    }

    /**
     * Gives back the imports running here (a graceful stop, {@code BackgroundWork.close()}): each is let go at once,
     * its partial bytes removed, and {@code pending} again, the attempt not counted. Returns how many there were.
     */
    public int handBackImports() {
        return imports.handBack();
    }

    /**
     * Cancels a {@code pending} or {@code processing} upload: it becomes {@code cancelled} (error {@code CANCELLED})
     * and holds no bytes. A stream this instance receives is aborted at once (its client gets {@code CONFLICT});
     * one on another instance is aborted by that instance's {@code BackgroundWork} within its cancel-watch interval.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} if completed, failed or already cancelled
     */
    public Upload cancel(UUID projectId, UUID uuid) {
        return lifecycle.cancel(projectId, uuid);
    }

    /** Aborts the streams of this instance whose uploads were cancelled elsewhere; returns how many. */
    public int abortCancelledStreams() {
        return lifecycle.abortCancelledStreams();
    }

    /** Marks an upload stored, with {@code upload.stored}; {@code NOT_FOUND}, {@code CONFLICT} if failed or cancelled. */
    public Upload store(UUID projectId, UUID uuid) {
        return lifecycle.store(projectId, uuid);
    }

    /** Deletes for good unstored (with {@code upload.deleted}), failed and cancelled uploads older than {@code ttl}. */
    public long removeUnstored(Duration ttl) {
        return lifecycle.removeExpired(Objects.requireNonNull(ttl, "ttl"));
    }

    private void requireOpen() {
        if (closed) {
            throw new UploadException(ErrorCode.SERVICE_UNAVAILABLE, "The upload service has been closed.");
        }
    }

    /** The store an upload of the project goes to; {@code SERVICE_UNAVAILABLE} once the service is closed. */
    private FileStore uploadStore(UUID projectId, String storageId) {
        requireOpen();
        return storageId == null ? stores.defaultFor(projectId)
                : stores.locate(projectId, storageId).orElseThrow(() -> UploadException.notFound("Storage"));
    }

    /** Returns the upload, trashed or not; {@code NOT_FOUND} if the project has no such upload. */
    public Upload get(UUID projectId, UUID uuid) {
        return catalog.inTransaction(tx -> tx.uploads().find(projectId, uuid)).orElseThrow(UploadService::notFound);
    }

    /**
     * Returns one page of the project's uploads matching {@code query}. The total is exact for an unfiltered
     * list; a filtered one is counted up to {@link UploadServiceBuilder#listCountLimit} ({@link Page#totalExact()}
     * false past it).
     */
    public Page<Upload> list(UUID projectId, UploadQuery query, PageRequest page) {
        return list(projectId, query, page, false);
    }

    /** Like {@link #list(UUID, UploadQuery, PageRequest)}; {@code exactTotal} counts every match, however many. */
    public Page<Upload> list(UUID projectId, UploadQuery query, PageRequest page, boolean exactTotal) {
        long limit = exactTotal ? Long.MAX_VALUE : listCountLimit;
        return catalog.inTransaction(tx -> tx.uploads().list(projectId, query, page, limit));
    }

    /** Returns {@link UploadServiceBuilder#listCountLimit}, the count past which a list's total is a lower bound. */
    public long listCountLimit() {
        return listCountLimit;
    }

    /** Returns the project's counters: files and bytes, live and in trash, and what deduplication stores. */
    public ProjectTotals totals(UUID projectId) {
        return catalog.inTransaction(tx -> tx.uploads().totals(projectId));
    }

    /** Changes an upload's name, folder, visibility, disposition or metadata; {@code NOT_FOUND}. */
    public Upload patch(UUID projectId, UUID uuid, UploadPatch patch) {
        return metadataOps.patch(projectId, uuid, patch);
    }

    /**
     * Moves an upload to trash; its bytes stay until it is deleted for good.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} if it is already in trash
     */
    public Upload trash(UUID projectId, UUID uuid) {
        return trashing.move(projectId, uuid, true);
    }

    /**
     * Takes an upload out of trash.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} if it is not in trash, or if it was deleted for
     *     good in the last 30 days (later, {@code NOT_FOUND})
     */
    public Upload restore(UUID projectId, UUID uuid) {
        return trashing.move(projectId, uuid, false);
    }

    /**
     * Moves up to {@link BulkResult#MAX_ITEMS} uploads to trash, each on its own: one that is unknown or already in
     * trash is reported in {@link BulkResult#problems()} and leaves the others alone.
     *
     * @throws UploadException {@code VALIDATION_ERROR} on {@code uuids} for an empty or too long list
     */
    public BulkResult trashAll(UUID projectId, List<UUID> uuids) {
        return trashing.trashAll(projectId, uuids);
    }

    /**
     * Makes a new upload (new uuid, new record, {@code deduplicated = true}) of a completed upload's bytes, named
     * and filed as {@code request} says. In the source's store the copy references the same blob and no byte is
     * copied; into another store the bytes are streamed there as a new upload would be.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} if the source is in trash or not completed;
     *     {@code NOT_FOUND} for a storage the project does not have; {@code VALIDATION_ERROR} for an invalid name;
     *     {@code STORAGE_ERROR}
     */
    public Upload copy(UUID projectId, UUID uuid, CopyRequest request) {
        Objects.requireNonNull(request, "request");
        return copies.copy(projectId, uuid, request);
    }

    /**
     * Sets one metadata key, reporting {@code upload.metadata_updated} if the value changed.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code VALIDATION_ERROR} for a bad key, a value over
     *     {@value Metadata#MAX_VALUE_LENGTH} characters or more than {@value Metadata#MAX_KEYS} keys
     */
    public Upload putMetadata(UUID projectId, UUID uuid, String key, String value) {
        return metadataOps.put(projectId, uuid, key, value);
    }

    /** Removes one metadata key, with {@code upload.metadata_updated}; {@code NOT_FOUND} for an unknown upload or key. */
    public Upload removeMetadata(UUID projectId, UUID uuid, String key) {
        return metadataOps.remove(projectId, uuid, key);
    }

    /**
     * Deletes an upload for good, trashed or not. Its blob is removed when no other record references it. A
     * {@code processing} upload whose instance is gone (see {@link UploadServiceBuilder#interruptedAfter}) also loses its partial
     * bytes; one still streaming on a live instance fails there, which removes them.
     *
     * @throws UploadException {@code NOT_FOUND}
     */
    public void forceDelete(UUID projectId, UUID uuid) {
        deletions.forceDelete(projectId, uuid, now().minus(interruptedAfter));
    }

    /** Deletes every trashed upload of the project for good, in batches. */
    public EmptyTrashResult emptyTrash(UUID projectId) {
        return deletions.deleteTrashed(tx -> tx.uploads().lockTrashed(projectId, Deletions.BATCH));
    }

    /**
     * Deletes for good, in every project, the uploads trashed longer than {@code retention} ago, releasing their
     * blobs as {@link #emptyTrash} does, then forgets deletions for good older than 30 days (a restore of them is
     * {@code NOT_FOUND} from then on). A background job calls this (see {@code BackgroundWork}).
     */
    public EmptyTrashResult purgeTrash(Duration retention) {
        return deletions.purgeTrash(Objects.requireNonNull(retention, "retention"));
    }

    /**
     * Records that this instance is alive (a crash sweep leaves its {@code processing} uploads alone), then frees the
     * webhook delivery leases of instances with no heartbeat for {@link #interruptedAfter()}, so that what a crashed
     * instance was sending goes out again soon. {@code BackgroundWork} calls this every few seconds.
     */
    public void heartbeat() {
        sweep.heartbeat();
        sweep.releaseDeadLeases(interruptedAfter);
    }

    /**
     * Finishes off what crashed instances left: uploads {@code processing} on an instance with no heartbeat for
     * {@link UploadServiceBuilder#interruptedAfter} become {@code failed} and lose their partial bytes; blobs left
     * {@code deleting} and temporary files of the stores older than {@code grace} are removed. Safe to run on
     * several instances at once, and to cut off at any point.
     */
    public SweepResult sweepInterrupted(Duration grace) {
        return sweep.sweep(interruptedAfter, Objects.requireNonNull(grace, "grace"));
    }

    /**
     * Hands the outbox's events to the webhooks (a pending delivery per subscribed webhook, which
     * {@code BackgroundWork} sends) and the webhook sink, oldest first, each marked delivered once the sink took it,
     * until none are left unclaimed or the sink throws (that event and later ones stay pending); returns how many.
     * Events of every instance sharing the catalog are delivered, each by one relay ({@code BackgroundWork}) at once.
     */
    public int deliverEvents() {
        return relay.deliverPending();
    }

    /** Returns this process's outbox signals (events committed, deliveries written), for {@code BackgroundWork}. */
    public dev.uploadkit.core.event.OutboxSignals outboxSignals() {
        return events;
    }

    /** Deletes outbox events delivered over {@code retention} ago, in batches (a background job); returns how many. */
    public long purgeDeliveredEvents(Duration retention) {
        return relay.purgeDelivered(now().minus(Objects.requireNonNull(retention, "retention")));
    }

    /** Returns how long an instance may go without a heartbeat before its uploads count as interrupted. */
    public Duration interruptedAfter() {
        return interruptedAfter;
    }

    /**
     * Returns the project's most recent live upload with these bytes.
     *
     * @param hash 64 hex digits, optionally prefixed {@code sha256:}
     * @throws UploadException {@code VALIDATION_ERROR} on field {@code hash} for anything else
     */
    public Optional<Upload> findByHash(UUID projectId, String hash) {
        String normalized = Hashes.normalizedSha256("hash", hash);
        return catalog.inTransaction(tx -> tx.uploads().findByHash(projectId, normalized));
    }

    /** Returns the project's deduplication figures. */
    public DedupStats dedupStats(UUID projectId) {
        return catalog.inTransaction(tx -> tx.blobs().stats(projectId));
    }

    /**
     * Opens an upload's bytes, whole or a range already resolved against its size.
     *
     * @throws UploadException {@code NOT_FOUND} for an unknown or trashed upload, or one with no stored bytes;
     *     {@code VALIDATION_ERROR} on field {@code range} for a range beyond its size
     */
    public Download open(UUID projectId, UUID uuid, Optional<ByteRange> range) {
        Upload upload = get(projectId, uuid);
        if (upload.isTrashed() || upload.objectKey() == null || upload.status() != UploadStatus.COMPLETED) {
            throw notFound();
        }
        if (range.isPresent() && range.get().last() >= upload.sizeBytes()) {
            throw UploadException.validation("range", "The range is beyond the end of the file.");
        }
        return new Download(upload, Ingest.read(store(projectId, upload.storageId()), upload, range));
    }

    private FileStore store(UUID projectId, String storageId) {
        return stores.locate(projectId, storageId).orElseThrow(() -> new UploadException(ErrorCode.STORAGE_ERROR,
                "The store " + storageId + " is not configured."));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static UploadException notFound() {
        return UploadException.notFound("File");
    }
}
