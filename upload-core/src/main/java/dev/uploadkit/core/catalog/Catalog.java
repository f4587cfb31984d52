package dev.uploadkit.core.catalog;

import java.util.function.Function;

/**
 * The durable record of uploads and blobs: the entry point to one unit of work.
 *
 * <p>Everything done through the {@link CatalogTransaction} handed to {@code work} commits together or not
 * at all, so a change and the events it produces (the outbox that webhooks read) are written atomically.
 * Store I/O never happens inside a transaction: callers write bytes first and record them after, or record
 * first and delete bytes after commit.
 *
 * <p>Implementations are thread-safe. Failures of the database surface as
 * {@link dev.uploadkit.core.UploadException} ({@code SERVICE_UNAVAILABLE} when it cannot be reached,
 * {@code INTERNAL_ERROR} otherwise); an {@code UploadException} thrown by {@code work} rolls back and
 * passes through unchanged.
 */
public interface Catalog {

    /** Runs {@code work} in one transaction and returns its result; blocks until commit or rollback. */
    <T> T inTransaction(Function<CatalogTransaction, T> work);
}
