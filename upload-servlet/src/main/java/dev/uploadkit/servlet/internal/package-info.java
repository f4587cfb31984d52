/**
 * The servlet's request handling: routing, JSON, multipart parsing, downloads and the per-resource handlers.
 *
 * <p>Internal: everything in this package may change without notice. Use
 * {@link dev.uploadkit.servlet.UploadServlet} instead.
 */
package dev.uploadkit.servlet.internal;
