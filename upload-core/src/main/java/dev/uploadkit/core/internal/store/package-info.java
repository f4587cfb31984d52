/**
 * The jclouds plumbing behind {@link dev.uploadkit.core.store.JcloudsFileStore}: key checks, the S3 multipart
 * writer and the translation of vendor failures. Anything here may change without notice; do not use it from
 * outside.
 */
package dev.uploadkit.core.internal.store;
