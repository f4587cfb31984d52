/**
 * Outbound HTTP under the SPEC's §5 rules, shared by webhook delivery and imports from a URL:
 * {@link dev.uploadkit.core.net.OutboundPolicy} decides which addresses may be contacted,
 * {@link dev.uploadkit.core.net.OutboundHttp} connects only to addresses it has checked.
 */
package dev.uploadkit.core.net;
