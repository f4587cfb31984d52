package dev.uploadkit.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. {@link OutboundHttp} calls it once per request (and once per redirect to a
 * name), checks every address it returns and connects to a checked one, never resolving the name again.
 */
@FunctionalInterface
public interface Resolver {
    /**
     * Returns the host's addresses, at least one.
     *
     * @param host a lowercase ASCII host name, never an IP literal
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** Returns the JDK's resolver, {@link InetAddress#getAllByName(String)}. */
    static Resolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
