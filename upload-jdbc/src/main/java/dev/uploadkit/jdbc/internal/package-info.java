/**
 * The JDBI implementations behind {@link dev.uploadkit.jdbc.UploadkitDatabase}.
 *
 * <p>Not a public API: everything in this package may change without notice. Use the interfaces of
 * {@code dev.uploadkit.core} instead.
 */
package dev.uploadkit.jdbc.internal;
