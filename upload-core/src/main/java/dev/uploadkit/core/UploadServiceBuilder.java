package dev.uploadkit.core;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.event.WebhookSink;
import dev.uploadkit.core.net.OutboundHttp;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.webhook.DownloadLinks;
import dev.uploadkit.core.internal.store.FixedStores;
import dev.uploadkit.core.storage.StorageSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * Configures an {@link UploadService}. A catalog and at least one store are required; the first store
 * added is the default unless {@link #defaultStore} says otherwise.
 */
public final class UploadServiceBuilder {
    Catalog catalog;
    Catalog backgroundCatalog;
    final Map<String, FileStore> stores = new LinkedHashMap<>();
    String defaultStoreId;
    Clock clock = Clock.systemUTC();
    IdSource ids;
    WebhookSink sink = WebhookSink.NONE;
    DownloadLinks downloadLinks = DownloadLinks.NONE;
    DataSize maxFileSize = DataSize.ofGibibytes(5);
    List<String> allowedTypes = List.of();
    ExecutorService readAhead;
    String instanceId;
    Duration interruptedAfter = Duration.ofMinutes(1);
    OutboundPolicy outboundPolicy = OutboundPolicy.defaults();
    Duration importConnectTimeout = OutboundHttp.DEFAULT_CONNECT_TIMEOUT;
    Duration importTimeout = OutboundHttp.DEFAULT_TOTAL_TIMEOUT;
    StorageSettings storageSettings = StorageSettings.defaults();
    Duration lookupCacheTtl = DEFAULT_LOOKUP_CACHE_TTL;
    long listCountLimit = DEFAULT_LIST_COUNT_LIMIT;
    DataSize remoteCopyJobThreshold = DEFAULT_REMOTE_COPY_JOB_THRESHOLD;

    /** The default of {@link #lookupCacheTtl}. */
    public static final Duration DEFAULT_LOOKUP_CACHE_TTL = Duration.ofSeconds(3);

    /** The default of {@link #listCountLimit}. */
    public static final long DEFAULT_LIST_COUNT_LIMIT = 10_000;

    /** The default of {@link #remoteCopyJobThreshold}: 64 MiB. */
    public static final DataSize DEFAULT_REMOTE_COPY_JOB_THRESHOLD = DataSize.ofMebibytes(64);

    UploadServiceBuilder() {
    }

    /**
     * Reads upload sources ahead on the host's executor, which the service never shuts down. It must run
     * tasks concurrently (two per upload in flight at most); a cached thread pool fits. Default: an own pool,
     * shut down by {@link UploadService#close()}.
     */
    public UploadServiceBuilder readAheadExecutor(ExecutorService executor) {
        this.readAhead = Objects.requireNonNull(executor, "readAheadExecutor");
        return this;
    }

    /**
     * How long an instance may go without a heartbeat before its {@code processing} uploads count as cut off
     * by a crash (default 1 minute). It must exceed the heartbeat interval several times over.
     */
    public UploadServiceBuilder interruptedAfter(Duration value) {
        if (value == null || value.toMillis() < 100) {
            throw new IllegalArgumentException("interruptedAfter: must be at least 100 ms, was " + value
                    + "; use a few heartbeat intervals, such as Duration.ofMinutes(1)");
        }
        this.interruptedAfter = value;
        return this;
    }

    /**
     * Names this instance of the service for crash sweeps (at most 50 characters, the limit of a job runner's name); default a random UUID.
     * Instances sharing a catalog must have different ids.
     */
    public UploadServiceBuilder instanceId(String id) {
        if (id == null || id.isBlank() || id.length() > 50) {
            throw new IllegalArgumentException("instanceId: must be 1 to 50 characters, was '" + id
                    + "'; leave it unset for a random UUID");
        }
        this.instanceId = id;
        return this;
    }

    /**
     * Which addresses uploads from a URL may reach (SPEC §5); default {@link OutboundPolicy#defaults()}: public
     * addresses only. {@code OutboundPolicy.parse("127.0.0.1/32")} lets a test reach loopback.
     */
    public UploadServiceBuilder outboundPolicy(OutboundPolicy policy) {
        this.outboundPolicy = Objects.requireNonNull(policy, "outboundPolicy");
        return this;
    }

    /** The longest wait for a URL import's connection; default 10 s. */
    public UploadServiceBuilder importConnectTimeout(Duration value) {
        this.importConnectTimeout = Durations.requirePositive("importConnectTimeout", value, "Duration.ofSeconds(10)");
        return this;
    }

    /** The longest time a URL import may take, redirects and body included; default 10 minutes. */
    public UploadServiceBuilder importTimeout(Duration value) {
        this.importTimeout = Durations.requirePositive("importTimeout", value, "Duration.ofMinutes(10)");
        return this;
    }


    /**
     * Up to how many matches a filtered list counts exactly (default 10,000); past it the list reports
     * "at least" this many (SPEC §2), unless the caller asks for an exact total. Unfiltered lists are always
     * counted exactly, from counters.
     */
    public UploadServiceBuilder listCountLimit(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("listCountLimit: must be at least 1, was " + limit
                    + "; use a few thousand, such as 10000");
        }
        this.listCountLimit = limit;
        return this;
    }

    /**
     * The size above which {@code files/{uuid}/remote-copy} runs as a durable job (answered {@code pending} at once)
     * instead of during the request; default 64 MiB ({@code DataSize.ofBytes(0)}: every non-empty file).
     */
    public UploadServiceBuilder remoteCopyJobThreshold(DataSize threshold) {
        this.remoteCopyJobThreshold = Objects.requireNonNull(threshold, "remoteCopyJobThreshold");
        return this;
    }

    public UploadServiceBuilder catalog(Catalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        return this;
    }

    /**
     * The catalog the event relay ({@link UploadService#deliverEvents}) works on: the same database as
     * {@link #catalog}, reached through connections that requests do not use (such as
     * {@code UploadkitDatabase.backgroundCatalog()}), so that under load the relay does not queue behind request
     * threads for a connection. Default: {@link #catalog}.
     */
    public UploadServiceBuilder backgroundCatalog(Catalog backgroundCatalog) {
        this.backgroundCatalog = Objects.requireNonNull(backgroundCatalog, "backgroundCatalog");
        return this;
    }

    /**
     * Adds one of the server's configured stores, usable by every project; the first one added becomes the default
     * of projects without a default storage connection of their own. The host keeps ownership: the service never
     * closes it.
     */
    public UploadServiceBuilder store(FileStore store) {
        Objects.requireNonNull(store, "store");
        if (stores.putIfAbsent(store.id(), store) != null) {
            throw new IllegalArgumentException("store: two stores have the id '" + store.id()
                    + "'; give each store a unique id");
        }
        if (defaultStoreId == null) {
            defaultStoreId = store.id();
        }
        return this;
    }

    /**
     * Sets what projects may connect as their own storage ({@link UploadService#storage()}): the master key sealing
     * their secrets, the outbound policy their endpoints obey, filesystem roots, transient stores. Default
     * {@link StorageSettings#defaults()}: no master key, so no S3 connections.
     */
    public UploadServiceBuilder storageSettings(StorageSettings settings) {
        this.storageSettings = Objects.requireNonNull(settings, "storageSettings");
        return this;
    }

    /**
     * How long a project's default storage connection, read once, is used before it is read again (default 3 s;
     * zero reads it on every upload). A change through this service applies at once; one made by another instance
     * on the same database applies here within this time.
     *
     * @throws IllegalArgumentException if {@code ttl} is negative
     */
    public UploadServiceBuilder lookupCacheTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative()) {
            throw new IllegalArgumentException("lookupCacheTtl: must be zero or positive, was " + ttl
                    + "; use for example Duration.ofSeconds(3)");
        }
        this.lookupCacheTtl = ttl;
        return this;
    }

    /** Names the store uploads go to by default; it must be added with {@link #store}. */
    public UploadServiceBuilder defaultStore(String storeId) {
        this.defaultStoreId = Objects.requireNonNull(storeId, "storeId");
        return this;
    }

    public UploadServiceBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    public UploadServiceBuilder ids(IdSource ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
        return this;
    }

    /**
     * Where {@link UploadService#deliverEvents()} hands the outbox's events (default: dropped). Events are
     * written to the catalog with their changes whatever the sink; only delivery needs it.
     */
    public UploadServiceBuilder webhookSink(WebhookSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * Makes the {@code download_url} of the uploads in webhook payloads (default: none, {@code null} in payloads);
     * the servlet module's {@code SignedDownloadLinks} makes the API's own links.
     */
    public UploadServiceBuilder downloadLinks(DownloadLinks links) {
        this.downloadLinks = Objects.requireNonNull(links, "links");
        return this;
    }

    /** Sets the largest accepted file (default 5 GiB). */
    public UploadServiceBuilder maxFileSize(DataSize size) {
        Objects.requireNonNull(size, "size");
        if (size.bytes() < 1) {
            throw new IllegalArgumentException("maxFileSize: must be at least 1 byte, was " + size.bytes()
                    + "; set a positive size such as DataSize.ofMebibytes(100)");
        }
        this.maxFileSize = size;
        return this;
    }

    /**
     * Restricts uploads to these detected types: exact ({@code application/pdf}) or {@code image/*}.
     * Empty (the default) allows every type.
     */
    public UploadServiceBuilder allowedTypes(List<String> patterns) {
        for (String p : patterns) {
            if (p == null || !p.strip().matches("\\*/\\*|[\\w.+-]+/(\\*|[\\w.+-]+)")) {
                throw new IllegalArgumentException("allowedTypes: '" + p
                        + "' is not a type pattern; use type/subtype or type/*");
            }
        }
        this.allowedTypes = List.copyOf(patterns);
        return this;
    }

    /** Returns the locator of the configured stores; {@link #build()} has checked them. */
    FixedStores configuredStores() {
        return new FixedStores(List.copyOf(stores.values()), defaultStoreId);
    }

    public UploadService build() {
        if (catalog == null) {
            throw new IllegalStateException("catalog: not set; call catalog(...) with a Catalog such as "
                    + "UploadkitDatabase.catalog()");
        }
        if (stores.isEmpty()) {
            throw new IllegalStateException("store: none added; call store(...) with a FileStore such as "
                    + "JcloudsFileStore.filesystem(...)");
        }
        if (!stores.containsKey(defaultStoreId)) {
            throw new IllegalStateException("defaultStore: '" + defaultStoreId
                    + "' is not one of the added stores " + stores.keySet());
        }
        return new UploadService(this);
    }
}
