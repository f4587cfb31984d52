package dev.uploadkit.core;

/**
 * What one crash sweep ({@link UploadService#sweepInterrupted}) did.
 *
 * @param interruptedUploads {@code processing} uploads of gone instances marked {@code failed}, bytes removed
 * @param deletingBlobs blobs left {@code deleting} whose objects and rows were removed
 * @param temporaryFiles temporary files of cut-off writes removed from the stores
 */
public record SweepResult(int interruptedUploads, int deletingBlobs, int temporaryFiles) {
}
