package dev.uploadkit.core.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.Names;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.ImportJobs;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.net.OutboundAbort;
import dev.uploadkit.core.net.OutboundDownload;
import dev.uploadkit.core.net.OutboundException;
import dev.uploadkit.core.net.OutboundHttp;
import dev.uploadkit.core.store.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Uploads from a URL: fetched through {@link OutboundHttp} (so only addresses its policy allows are reached) and
 * streamed through {@link Ingest} like a direct upload, hashed, deduplicated, type-checked and size-capped on the fly.
 *
 * <p>A synchronous import fails like a direct upload, leaving nothing behind. An asynchronous one is a
 * {@code pending} upload with a durable job ({@link ImportJobs}) that an instance claims and runs; when it fails, the
 * upload stays {@code failed} with an {@code error} naming why, reported {@code upload.failed} in the same
 * transaction.
 */
public final class UrlImports {
    /** How many runs an asynchronous import gets when crashes cut it off. */
    public static final int IMPORT_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(UrlImports.class);
    /** The longest URL accepted (the catalog's column). */
    public static final int MAX_URL_LENGTH = 2048;
    private static final String FALLBACK_NAME = "download";

    private final Catalog catalog;
    private final Ingest ingest;
    private final OutboundHttp http;
    private final BiFunction<UUID, String, FileStore> stores;
    private final Supplier<Instant> clock;
    private final IdSource ids;
    private final Events events;
    private final String instanceId;
    private final long maxSize;
    private final InFlight inFlight;
    private final Map<UUID, Run> running = new ConcurrentHashMap<>();

    public UrlImports(Catalog catalog, Ingest ingest, OutboundHttp http, BiFunction<UUID, String, FileStore> stores,
                      Supplier<Instant> clock, IdSource ids, Events events, String instanceId, long maxSize,
                      InFlight inFlight) {
        this.inFlight = inFlight;
        this.catalog = catalog;
        this.ingest = ingest;
        this.http = http;
        this.stores = stores;
        this.clock = clock;
        this.ids = ids;
        this.events = events;
        this.instanceId = instanceId;
        this.maxSize = maxSize;
    }

    /**
     * Checks the form of {@code url}: an absolute http(s) URL with a host, no credentials, at most 2048 characters.
     * Whether its address may be reached is decided when it is fetched.
     *
     * @throws UploadException {@code VALIDATION_ERROR} on field {@code url}
     */
    public static URI checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw UploadException.validation("url", "The url is required.");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw UploadException.validation("url", "The url may be at most " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw UploadException.validation("url", "The url is malformed: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw UploadException.validation("url", "The url must use http or https.");
        }
        if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            throw UploadException.validation("url", "The url has no host.");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
            throw UploadException.validation("url", "The url must not carry credentials.");
        }
        return uri;
    }

    /**
     * Fetches {@code url} and stores it as a completed upload, named by {@code filename} if given, else by the
     * source's {@code Content-Disposition}, else by the URL's last path segment. The upload is recorded
     * {@code processing} before the source is contacted, so it can be cancelled from the start (the call then throws
     * {@code CONFLICT} and the upload stays {@code cancelled}).
     *
     * @throws UploadException {@code VALIDATION_ERROR} (field {@code url}) for a malformed or refused URL;
     *     {@code SOURCE_ERROR} when the source is unreachable, too slow, answers an error or redirects where an
     *     import may not go; {@code FILE_TOO_LARGE},
     *     {@code INVALID_FILE_TYPE}, {@code STORAGE_ERROR} as for direct uploads; {@code CONFLICT} when cancelled.
     *     Nothing is left behind but a cancelled upload's record.
     */
    public Upload importNow(UploadRequest request, String filename, String url) {
        URI uri = checkUrl(url);
        try {
            http.check(uri); // a refused URL is answered at once, without a record
        } catch (OutboundException e) {
            throw syncFailure(e);
        }
        FileStore store = store(request.projectId(), request.storageId());
        Upload record = newRecord(request, filename, uri, store, UploadStatus.PROCESSING);
        catalog.inTransaction(tx -> {
            tx.uploads().insertProcessing(record, instanceId, null);
            return null;
        });
        OutboundAbort abort = new OutboundAbort();
        try (InFlight.Registration registration = inFlight.register(record.uuid(), abort::abort)) {
            return fetch(record, filename != null, uri, abort);
        } catch (IOException | RuntimeException e) {
            OutboundException source = sourceCause(e);
            UploadError error = source != null ? asyncError(source)
                    : e instanceof UploadException ue ? errorOf(ue) : internalError();
            if (discard(record, error)) {
                throw new UploadException(ErrorCode.CONFLICT, "The upload was cancelled.", e);
            }
            if (source != null) {
                throw syncFailure(source);
            }
            throw e instanceof RuntimeException re ? re
                    : new UploadException(ErrorCode.SOURCE_ERROR, "The source connection could not be closed.", e);
        }
    }

    /**
     * Removes the record of a synchronous import that failed and reports {@code upload.failed}, in one transaction,
     * unless it was cancelled; returns whether it was.
     */
    private boolean discard(Upload record, UploadError error) {
        return catalog.inTransaction(tx -> {
            Optional<Upload> current = tx.uploads().lock(record.projectId(), record.uuid());
            if (current.isPresent() && current.get().status() == UploadStatus.CANCELLED) {
                return true;
            }
            if (current.isPresent()) {
                tx.uploads().delete(record.projectId(), record.uuid());
                events.append(tx, UploadEvent.FAILED, current.get().toBuilder().status(UploadStatus.FAILED)
                        .error(error).build());
            }
            return false;
        });
    }

    /**
     * Opens the source of {@code record}'s upload and streams it in; {@code abort} ends it from another thread at any
     * point. Failures are thrown; the record is left to the caller.
     */
    private Upload fetch(Upload record, boolean filenameGiven, URI uri, OutboundAbort abort) throws IOException {
        try (OutboundDownload download = http.open(uri, abort)) {
            String name = filenameGiven ? record.filename() : chooseName(download, uri);
            UploadRequest request = new UploadRequest(record.projectId(), name, record.folder(), record.isPublic(),
                    record.contentDisposition(), record.metadata(), record.storageId(), record.isStored(), null);
            IngestOrigin origin = new IngestOrigin(uri.toString(), record.toBuilder().filename(name).build(),
                    abort::abort, download.contentLength().orElse(-1));
            Ingest.Staged staged = ingest.stage(request, store(record.projectId(), record.storageId()), maxSize,
                    new SourceBody(download.body()), origin);
            return ingest.complete(staged, request);
        }
    }

    /**
     * Records an asynchronous import: a {@code pending} upload and its job, in one transaction. The upload's name is
     * {@code filename} if given, else the URL's last path segment until the source names it.
     *
     * @throws UploadException {@code VALIDATION_ERROR} (field {@code url}) for a malformed URL
     */
    public Upload enqueue(UploadRequest request, String filename, String url) {
        URI uri = checkUrl(url);
        FileStore store = store(request.projectId(), request.storageId());
        Upload pending = newRecord(request, filename, uri, store, UploadStatus.PENDING);
        return catalog.inTransaction(tx -> {
            tx.uploads().insert(pending);
            tx.imports().add(pending.projectId(), pending.uuid(), uri.toString(), filename != null,
                    pending.createdAt());
            return pending;
        });
    }

    private Upload newRecord(UploadRequest request, String filename, URI uri, FileStore store, UploadStatus status) {
        Instant now = clock.get();
        return new Upload.Builder().uuid(ids.next()).projectId(request.projectId())
                .filename(filename != null ? filename : nameFromPath(uri)).folder(request.folder())
                .isPublic(request.isPublic()).contentDisposition(request.contentDisposition())
                .metadata(request.metadata()).status(status).storageId(store.id())
                .isStored(request.isStored()).sourceUrl(uri.toString()).createdAt(now).updatedAt(now).build();
    }

    /** Claims up to {@code max} pending imports of any project for this instance. */
    public List<ImportJobs.Job> claim(int max) {
        return catalog.inTransaction(tx -> tx.imports().claim(instanceId, clock.get(), max));
    }

    /**
     * Runs a claimed import to its end: completed, failed (with its reason), left cancelled if cancelled meanwhile,
     * or {@code pending} again if {@link #handBack handed back}. Returns the upload as it ended; never throws for the
     * import's own failures.
     */
    public Upload run(ImportJobs.Job job) {
        Upload claimed = job.upload();
        URI uri;
        try {
            uri = checkUrl(job.url());
        } catch (UploadException e) {
            return markFailed(claimed, new UploadError(UploadError.SOURCE_FORBIDDEN, e.getMessage()));
        }
        Run run = new Run();
        running.put(claimed.uuid(), run);
        // Registered before connecting: a cancel or a hand-back reaches the import at any point.
        try (InFlight.Registration registration = inFlight.register(claimed.uuid(), run.abort::abort)) {
            return fetch(claimed, job.filenameGiven(), uri, run.abort);
        } catch (IOException | RuntimeException e) {
            if (run.handedBack) {
                return release(claimed);
            }
            if (e instanceof UploadException ue && ue.code() == ErrorCode.CONFLICT) {
                return current(claimed);
            }
            OutboundException source = sourceCause(e);
            if (source != null) {
                return markFailed(claimed, asyncError(source));
            }
            return markFailed(claimed, e instanceof UploadException ue ? errorOf(ue) : unexpected(claimed, e));
        } finally {
            running.remove(claimed.uuid(), run);
        }
    }

    /** An asynchronous import running here: what aborts its source, and whether it is being handed back. */
    private static final class Run {
        final OutboundAbort abort = new OutboundAbort();
        volatile boolean handedBack;
    }

    /**
     * Stops the asynchronous imports running here and gives them back, for a graceful stop: each one's stream is
     * aborted at once, its partial bytes are removed, and it becomes {@code pending} again, its attempts not counted,
     * for any instance to run. One that finishes meanwhile keeps its outcome. Returns how many were running.
     */
    public int handBack() {
        int n = 0;
        for (Map.Entry<UUID, Run> entry : running.entrySet()) {
            entry.getValue().handedBack = true;
            entry.getValue().abort.abort();
            inFlight.abort(entry.getKey());
            n++;
        }
        return n;
    }

    private Upload release(Upload claimed) {
        return catalog.inTransaction(tx -> {
            tx.imports().release(claimed.projectId(), claimed.uuid(), clock.get());
            return tx.uploads().find(claimed.projectId(), claimed.uuid()).orElse(claimed);
        });
    }

    private Upload current(Upload upload) {
        return catalog.inTransaction(tx -> {
            tx.imports().remove(upload.projectId(), upload.uuid());
            return tx.uploads().find(upload.projectId(), upload.uuid()).orElse(upload);
        });
    }

    private static UploadError unexpected(Upload upload, Exception e) {
        LOG.warn("The import of upload {} failed unexpectedly", upload.uuid(), e);
        return internalError();
    }

    private static UploadError internalError() {
        return new UploadError("INTERNAL_ERROR", "The import failed unexpectedly.");
    }

    /**
     * Makes a pending or processing import {@code failed} with {@code error} and reports {@code upload.failed}, in one
     * transaction; one cancelled or deleted meanwhile is left as it is.
     */
    Upload markFailed(Upload upload, UploadError error) {
        Instant now = clock.get();
        return catalog.inTransaction(tx -> {
            tx.imports().remove(upload.projectId(), upload.uuid());
            Optional<Upload> current = tx.uploads().lock(upload.projectId(), upload.uuid());
            if (current.isEmpty()) {
                return upload;
            }
            UploadStatus status = current.get().status();
            if (status != UploadStatus.PENDING && status != UploadStatus.PROCESSING) {
                return current.get();
            }
            Upload failed = current.get().toBuilder().status(UploadStatus.FAILED).error(error).blobId(null)
                    .sizeBytes(0).sha256(null).updatedAt(now).build();
            tx.uploads().update(failed);
            events.append(tx, UploadEvent.FAILED, failed);
            return failed;
        });
    }

    private FileStore store(UUID projectId, String storageId) {
        return stores.apply(projectId, storageId);
    }

    /** The source's {@code Content-Disposition} name if valid, else the URL path's. */
    private static String chooseName(OutboundDownload download, URI uri) {
        Optional<String> disposition = download.filename().filter(UrlImports::validName);
        return disposition.orElseGet(() -> nameFromPath(download.uri() != null ? download.uri() : uri));
    }

    /** The last segment of the URL's path, percent-decoded, or {@value #FALLBACK_NAME} if it is not a valid name. */
    static String nameFromPath(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String segment = path.substring(path.lastIndexOf('/') + 1);
        try {
            segment = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return FALLBACK_NAME;
        }
        return validName(segment) ? segment : FALLBACK_NAME;
    }

    private static boolean validName(String name) {
        return name != null && !name.isBlank() && Names.isFilename(name);
    }

    private static OutboundException sourceCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutboundException oe) {
                return oe;
            }
        }
        return null;
    }

    /**
     * The answer to a synchronous import whose source failed: the caller's URL refused is theirs to fix (422); a
     * source that is unreachable, slow, failing or redirects where an import may not go is the source's (502).
     */
    private UploadException syncFailure(OutboundException e) {
        boolean urlRefused = !e.redirected() && (e.reason() == OutboundException.Reason.FORBIDDEN
                || e.reason() == OutboundException.Reason.INVALID_URL);
        if (urlRefused) {
            return new UploadException(ErrorCode.VALIDATION_ERROR, "The url may not be imported.",
                    Map.of("url", List.of(e.getMessage())), e);
        }
        if (e.reason() == OutboundException.Reason.TOO_LARGE) {
            return tooLarge(e);
        }
        return new UploadException(ErrorCode.SOURCE_ERROR, "The url could not be fetched.",
                Map.of("url", List.of(e.getMessage())), e);
    }

    private UploadException tooLarge(Exception cause) {
        String message = "The file at the url exceeds the size limit of "
                + dev.uploadkit.core.DataSize.ofBytes(maxSize).format() + ".";
        return new UploadException(ErrorCode.FILE_TOO_LARGE, message, Map.of("url", List.of(message)), cause);
    }

    /** The error of an asynchronous import whose source failed. */
    static UploadError asyncError(OutboundException e) {
        String code = switch (e.reason()) {
            case FORBIDDEN, INVALID_URL -> UploadError.SOURCE_FORBIDDEN;
            case UNREACHABLE -> UploadError.SOURCE_UNREACHABLE;
            case TIMEOUT -> UploadError.SOURCE_TIMEOUT;
            case HTTP_ERROR, TOO_MANY_REDIRECTS -> UploadError.SOURCE_HTTP_ERROR;
            case TOO_LARGE -> UploadError.FILE_TOO_LARGE;
        };
        return UploadError.fitted(code, e.getMessage(), "The import failed.");
    }

    private static UploadError errorOf(UploadException e) {
        String code = switch (e.code()) {
            case FILE_TOO_LARGE -> UploadError.FILE_TOO_LARGE;
            case INVALID_FILE_TYPE -> UploadError.INVALID_FILE_TYPE;
            case STORAGE_ERROR -> UploadError.STORAGE_ERROR;
            case PAYLOAD_MALFORMED -> UploadError.SOURCE_UNREACHABLE;
            default -> e.code().name();
        };
        return UploadError.fitted(code, e.getMessage(), "The import failed.");
    }

    /**
     * The source's body, whose {@link OutboundException}s become {@link UploadException}s ({@code FILE_TOO_LARGE}
     * past the limit, else {@code SOURCE_ERROR} with the cause kept), which stores pass through as the source's.
     */
    private final class SourceBody extends FilterInputStream {
        SourceBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (OutboundException e) {
                throw translate(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (OutboundException e) {
                throw translate(e);
            }
        }

        private UploadException translate(OutboundException e) {
            return e.reason() == OutboundException.Reason.TOO_LARGE ? tooLarge(e)
                    : new UploadException(ErrorCode.SOURCE_ERROR, e.getMessage(), e);
        }
    }

    /** The name an import's upload has until its source names it: the request's filename, else "download". */
    public static String placeholderName(dev.uploadkit.core.ImportRequest request) {
        return request.filename() != null ? request.filename() : "download";
    }
}
