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
}
