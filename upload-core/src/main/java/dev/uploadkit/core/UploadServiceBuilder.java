package dev.uploadkit.core;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.event.WebhookSink;
import dev.uploadkit.core.store.FileStore;

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
    final Map<String, FileStore> stores = new LinkedHashMap<>();
    String defaultStoreId;
    Clock clock = Clock.systemUTC();
    IdSource ids;
    WebhookSink sink = WebhookSink.NONE;
    DataSize maxFileSize = DataSize.ofGibibytes(5);
    List<String> allowedTypes = List.of();
    ExecutorService readAhead;
    String instanceId;
    Duration interruptedAfter = Duration.ofMinutes(1);
    long listCountLimit = DEFAULT_LIST_COUNT_LIMIT;

    /** The default of {@link #listCountLimit}. */
    public static final long DEFAULT_LIST_COUNT_LIMIT = 10_000;

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

    public UploadServiceBuilder catalog(Catalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        return this;
    }

    /** Adds a store; the first one added becomes the default. */
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
