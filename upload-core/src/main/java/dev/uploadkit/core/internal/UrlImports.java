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
     * source's {@code Content-Disposition}, else by the URL's last path segment.
     *
     * @throws UploadException {@code VALIDATION_ERROR} (field {@code url}) for a malformed or refused URL or redirect;
     *     {@code SOURCE_ERROR} when the source is unreachable, too slow or answers an error; {@code FILE_TOO_LARGE},
     *     {@code INVALID_FILE_TYPE}, {@code STORAGE_ERROR} as for direct uploads. Nothing is left behind.
     */
    public Upload importNow(UploadRequest request, String filename, String url) {
        URI uri = checkUrl(url);
        FileStore store = store(request.projectId(), request.storageId());
        OutboundDownload download;
        try {
            download = http.open(uri);
        } catch (OutboundException e) {
            throw syncFailure(e);
        }
        try (download) {
            UploadRequest named = withFilename(request, chooseName(filename, download, uri));
            Ingest.Origin origin = new Ingest.Origin(uri.toString(), null, () -> closeQuietly(download));
            Ingest.Staged staged = ingest.stage(named, store, maxSize, new SourceBody(download.body()), origin);
            return ingest.complete(staged, named);
        } catch (UploadException e) {
            OutboundException source = sourceCause(e);
            throw source != null ? syncFailure(source) : e;
        } catch (IOException e) {
            throw new UploadException(ErrorCode.SOURCE_ERROR, "The source connection could not be closed.", e);
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
        Instant now = clock.get();
        Upload pending = new Upload.Builder().uuid(ids.next()).projectId(request.projectId())
                .filename(filename != null ? filename : nameFromPath(uri)).folder(request.folder())
                .isPublic(request.isPublic()).contentDisposition(request.contentDisposition())
                .metadata(request.metadata()).status(UploadStatus.PENDING).storageId(store.id())
                .isStored(request.isStored()).sourceUrl(uri.toString()).createdAt(now).updatedAt(now).build();
        return catalog.inTransaction(tx -> {
            tx.uploads().insert(pending);
            tx.imports().add(pending.projectId(), pending.uuid(), uri.toString(), filename != null, now);
            return pending;
        });
    }

    /** Claims up to {@code max} pending imports of any project for this instance. */
    public List<ImportJobs.Job> claim(int max) {
        return catalog.inTransaction(tx -> tx.imports().claim(instanceId, clock.get(), max));
    }

    /**
     * Runs a claimed import to its end: completed, failed (with its reason) or, if cancelled meanwhile, left
     * cancelled. Returns the upload as it ended; never throws for the import's own failures.
     */
    public Upload run(ImportJobs.Job job) {
        Upload claimed = job.upload();
        URI uri;
        try {
            uri = checkUrl(job.url());
        } catch (UploadException e) {
            return markFailed(claimed, new UploadError(UploadError.SOURCE_FORBIDDEN, e.getMessage()));
        }
        OutboundDownload download;
        try {
            download = http.open(uri);
        } catch (OutboundException e) {
            return markFailed(claimed, asyncError(e));
        } catch (RuntimeException e) {
            return markFailed(claimed, unexpected(claimed, e));
        }
        // Registered before the first bytes are read: a source too slow to fill the type sniffer's buffer is
        // still let go when the upload is cancelled.
        try (download; InFlight.Registration registration = inFlight.register(claimed.uuid(),
                () -> closeQuietly(download))) {
            String name = job.filenameGiven() ? claimed.filename() : chooseName(null, download, uri);
            UploadRequest request = new UploadRequest(claimed.projectId(), name, claimed.folder(), claimed.isPublic(),
                    claimed.contentDisposition(), claimed.metadata(), claimed.storageId(), claimed.isStored(), null);
            Ingest.Origin origin = new Ingest.Origin(uri.toString(), claimed.toBuilder().filename(name).build(),
                    () -> closeQuietly(download));
            Ingest.Staged staged = ingest.stage(request, store(claimed.projectId(), claimed.storageId()), maxSize,
                    new SourceBody(download.body()), origin);
            return ingest.complete(staged, request);
        } catch (UploadException e) {
            if (e.code() == ErrorCode.CONFLICT) {
                return current(claimed);
            }
            OutboundException source = sourceCause(e);
            return markFailed(claimed, source != null ? asyncError(source) : errorOf(e));
        } catch (IOException | RuntimeException e) {
            return markFailed(claimed, unexpected(claimed, e));
        }
    }

    private Upload current(Upload upload) {
        return catalog.inTransaction(tx -> {
            tx.imports().remove(upload.projectId(), upload.uuid());
            return tx.uploads().find(upload.projectId(), upload.uuid()).orElse(upload);
        });
    }

    private static UploadError unexpected(Upload upload, Exception e) {
        LOG.warn("The import of upload {} failed unexpectedly", upload.uuid(), e);
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

    private static UploadRequest withFilename(UploadRequest r, String filename) {
        return new UploadRequest(r.projectId(), filename, r.folder(), r.isPublic(), r.contentDisposition(),
                r.metadata(), r.storageId(), r.isStored(), r.maxSize());
    }

    /** The request's name, else the source's {@code Content-Disposition} name if valid, else the URL path's. */
    private static String chooseName(String given, OutboundDownload download, URI uri) {
        if (given != null) {
            return given;
        }
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
        if (name == null || name.isBlank() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.contains("\\") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return false;
        }
        try {
            Names.checkFilename("filename", name);
            return true;
        } catch (UploadException e) {
            return false;
        }
    }

    private static OutboundException sourceCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutboundException oe) {
                return oe;
            }
        }
        return null;
    }

    /** The answer to a synchronous import whose source failed. */
    private UploadException syncFailure(OutboundException e) {
        return switch (e.reason()) {
            case FORBIDDEN, INVALID_URL -> new UploadException(ErrorCode.VALIDATION_ERROR,
                    "The url may not be imported.", Map.of("url", List.of(e.getMessage())), e);
            case TOO_LARGE -> tooLarge(e);
            default -> new UploadException(ErrorCode.SOURCE_ERROR, "The url could not be fetched.",
                    Map.of("url", List.of(e.getMessage())), e);
        };
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

    private static void closeQuietly(OutboundDownload download) {
        try {
            download.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing a cancelled import's source failed", e);
        }
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
