package dev.uploadkit.core;

/**
 * What emptying the trash did.
 *
 * @param deleted upload records removed for good
 * @param bytesFreed bytes removed from storage: blobs no other record referenced
 */
public record EmptyTrashResult(long deleted, long bytesFreed) {
}
