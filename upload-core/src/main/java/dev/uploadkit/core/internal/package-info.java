/**
 * Uploadkit's implementation details. Anything here may change without notice; do not use it from outside.
 */
package dev.uploadkit.core.internal;
