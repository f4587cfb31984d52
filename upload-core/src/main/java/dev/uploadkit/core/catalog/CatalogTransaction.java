package dev.uploadkit.core.catalog;

/**
 * The views of the catalog within one transaction. Valid only inside the
 * {@link Catalog#inTransaction} call that handed it out.
 */
public interface CatalogTransaction {

    /** Returns the upload records. */
    UploadRecords uploads();

    /** Returns the blob registry with its reference counts. */
    DedupIndex blobs();

    /** Returns the instances' heartbeats. */
    Instances instances();

    /** Returns the outbox of upload events, written with the changes that cause them. */
    EventOutbox events();

    /** Returns the webhooks and their deliveries. */
    WebhookRecords webhooks();

    /** Returns the durable jobs of asynchronous URL imports. */
    ImportJobs imports();

    /** Returns the projects' storage connections. */
    StorageConnections storage();

    /** Returns the durable jobs of large remote copies. */
    RemoteCopyJobs remoteCopies();

    /** Returns the tombstones of uploads deleted for good, written with the deletions. */
    PurgedUploads purged();

    /**
     * Runs {@code action} once this transaction has committed (and its writes are durable), on the thread that
     * called {@link Catalog#inTransaction}, before that call returns; never if it rolls back. An action registered
     * several times in one transaction runs once. Meant for cheap, non-blocking signals such as waking a relay:
     * an action that throws is logged and does not fail the call.
     *
     * <p>The default runs nothing: a catalog that cannot tell when it committed may ignore these signals, so
     * nothing may depend on them for correctness (the event relay also polls).
     */
    default void afterCommit(Runnable action) {
    }
}
