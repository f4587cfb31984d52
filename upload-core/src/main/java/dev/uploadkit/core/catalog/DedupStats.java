package dev.uploadkit.core.catalog;

/**
 * What deduplication saves a project.
 *
 * @param totalFiles upload records referencing a blob, trash included
 * @param uniqueBlobs stored blobs
 * @param logicalBytes the sum of the records' sizes
 * @param storedBytes the sum of the blobs' sizes
 */
public record DedupStats(long totalFiles, long uniqueBlobs, long logicalBytes, long storedBytes) {

    /** Returns the records beyond the first of each blob. */
    public long duplicateFiles() {
        return totalFiles - uniqueBlobs;
    }

    public long bytesSaved() {
        return logicalBytes - storedBytes;
    }

    /** Returns the share of logical bytes not stored, in percent with two decimals. */
    public double savingsPercent() {
        if (logicalBytes == 0) {
            return 0;
        }
        return Math.round(bytesSaved() * 10000.0 / logicalBytes) / 100.0;
    }
}
