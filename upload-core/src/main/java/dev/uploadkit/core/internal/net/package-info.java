/**
 * The outbound HTTP component's internals: host literal parsing, address classes and a minimal HTTP/1.1
 * exchange over a socket connected to an already checked address.
 */
package dev.uploadkit.core.internal.net;
