package dev.uploadkit.core.catalog;

/**
 * A project's counters, kept exact by the catalog in the transaction of every change: what the unfiltered
 * lists count, what deduplication saves, and what the project stores.
 *
 * @param liveFiles upload records not in trash, in any status
 * @param liveBytes the sum of their sizes
 * @param trashFiles upload records in trash
 * @param trashBytes the sum of their sizes
 * @param referencingFiles upload records, trash included, that reference a blob
 * @param referencingBytes the sum of their sizes (logical bytes)
 * @param storedBlobs blobs in state {@code STORED}
 * @param storedBytes the sum of their sizes (bytes the stores hold)
 */
public record ProjectTotals(long liveFiles, long liveBytes, long trashFiles, long trashBytes, long referencingFiles,
                            long referencingBytes, long storedBlobs, long storedBytes) {

    /** Returns the deduplication figures these counters give. */
    public DedupStats dedupStats() {
        return new DedupStats(referencingFiles, storedBlobs, referencingBytes, storedBytes);
    }
}
