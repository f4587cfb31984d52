package dev.uploadkit.core.net;

import dev.uploadkit.core.internal.net.AddressClasses;
import dev.uploadkit.core.internal.net.HostLiterals;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Decides whether an outbound request may contact an address (SPEC §5).
 *
 * <p>By default only public unicast addresses are allowed. Refused are loopback, unspecified, RFC 1918 private,
 * link-local (with the cloud metadata address 169.254.169.254), carrier-grade NAT, multicast, broadcast, reserved,
 * benchmarking, documentation and IETF-protocol IPv4 ranges; and in IPv6 everything outside global unicast
 * {@code 2000::/3} (loopback, unspecified, unique local {@code fc00::/7} with AWS's {@code fd00:ec2::254},
 * link-local, site-local, multicast) plus documentation, Teredo, benchmarking and ORCHID prefixes. IPv6 forms
 * that carry an IPv4 address ({@code ::ffff:a.b.c.d}, {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4
 * {@code 2002::/16}) are judged by that IPv4 address.
 *
 * <p>An allow-list of addresses and CIDR ranges overrides the refusal; an address matches an entry of its own
 * family ({@code ::ffff:a.b.c.d} is the IPv4 address {@code a.b.c.d}). Classification reads the address bytes
 * only; it never resolves anything. Immutable and thread-safe.
 */
public final class OutboundPolicy {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final OutboundPolicy DEFAULTS = new OutboundPolicy(List.of());

    private record Cidr(byte[] network, int bits, String text) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int i = 0; i < network.length; i++) {
                if ((address[i] & mask(i)) != (network[i] & 0xFF)) {
                    return false;
                }
            }
            return true;
        }

        int mask(int index) {
            int remaining = bits - 8 * index;
            return remaining >= 8 ? 0xFF : remaining <= 0 ? 0 : (0xFF << (8 - remaining)) & 0xFF;
        }
    }

    private final List<Cidr> allowed;

    private OutboundPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Returns the default policy: only public unicast addresses, no allow-list. */
    public static OutboundPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * Parses an allow-list in the format of {@code UPLOADKIT_OUTBOUND_ALLOW}: comma-separated IPv4 or IPv6
     * addresses and CIDR ranges, such as {@code 127.0.0.1/32,10.0.0.0/8,::1/128}; an address without a prefix
     * length stands for itself alone. Blank entries are ignored; {@code null} or a blank text gives
     * {@link #defaults()}. Bits past the prefix length are ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
     *
     * @throws IllegalArgumentException naming the first invalid entry
     */
    public static OutboundPolicy parse(String allowList) {
        if (allowList == null || allowList.isBlank()) {
            return DEFAULTS;
        }
        List<Cidr> entries = new ArrayList<>();
        for (String entry : allowList.split(",")) {
            String trimmed = entry.strip();
            if (!trimmed.isEmpty()) {
                entries.add(parseEntry(trimmed));
            }
        }
        return new OutboundPolicy(entries);
    }

    /**
     * Returns {@code null} when {@code address} may be contacted, else the refused class, such as
     * {@code "a loopback address (127.0.0.0/8)"}.
     */
    public String refusal(InetAddress address) {
        Objects.requireNonNull(address, "address");
        byte[] bytes = address.getAddress();
        for (Cidr cidr : allowed) {
            if (cidr.contains(bytes)) {
                return null;
            }
        }
        return AddressClasses.refusal(address);
    }

    /** Returns whether {@code address} may be contacted. */
    public boolean allows(InetAddress address) {
        return refusal(address) == null;
    }

    /**
     * Throws {@link OutboundException.Reason#FORBIDDEN} unless {@code address}, the address of {@code host}, may
     * be contacted; the message names the host, the address and its class.
     */
    public void check(String host, InetAddress address) {
        String refusal = refusal(address);
        if (refusal != null) {
            throw new OutboundException(OutboundException.Reason.FORBIDDEN, "Outbound request to '" + host
                    + "' refused: " + address.getHostAddress() + " is " + refusal
                    + "; only public addresses are reachable unless UPLOADKIT_OUTBOUND_ALLOW lists it.");
        }
    }

    /** Returns the allow-list entries as given, in order. */
    public List<String> allowList() {
        return allowed.stream().map(Cidr::text).toList();
    }

    @Override
    public String toString() {
        return "OutboundPolicy[allow=" + String.join(",", allowList()) + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutboundPolicy that && allowList().equals(that.allowList());
    }

    @Override
    public int hashCode() {
        return allowList().hashCode();
    }

    private static Cidr parseEntry(String entry) {
        int slash = entry.indexOf('/');
        String literal = slash < 0 ? entry : entry.substring(0, slash);
        byte[] address = parseAddress(entry, literal);
        int max = address.length * 8;
        int bits = max;
        if (slash >= 0) {
            String length = entry.substring(slash + 1);
            if (!length.matches("\\d{1,3}")) {
                throw invalid(entry, "the prefix length after '/' is not a number");
            }
            bits = Integer.parseInt(length);
            if (literal.contains(":") && address.length == 4) {
                bits -= 96; // ::ffff:a.b.c.d/n, which the JDK hands back as an IPv4 address
            }
            if (bits < 0 || bits > max) {
                throw invalid(entry, "the prefix length must be 0-" + max + " for this address family");
            }
        }
        Cidr cidr = new Cidr(address, bits, entry);
        byte[] network = Arrays.copyOf(address, address.length);
        for (int i = 0; i < network.length; i++) {
            network[i] = (byte) (network[i] & cidr.mask(i));
        }
        return new Cidr(network, bits, entry);
    }

    private static byte[] parseAddress(String entry, String literal) {
        if (IPV4.matcher(literal).matches()) {
            String[] parts = literal.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int value = Integer.parseInt(parts[i]);
                if (value > 255) {
                    throw invalid(entry, "'" + parts[i] + "' is not an IPv4 byte (0-255)");
                }
                bytes[i] = (byte) value;
            }
            return bytes;
        }
        if (literal.contains(":")) {
            try {
                InetAddress address = HostLiterals.parse("[" + literal + "]").address();
                return address.getAddress();
            } catch (IllegalArgumentException e) {
                throw invalid(entry, "'" + literal + "' is not an IPv6 address");
            }
        }
        throw invalid(entry, "'" + literal + "' is not an IPv4 address in dotted decimal or an IPv6 address");
    }

    private static IllegalArgumentException invalid(String entry, String problem) {
        return new IllegalArgumentException("UPLOADKIT_OUTBOUND_ALLOW: entry '" + entry + "' is invalid: " + problem
                + "; use addresses or CIDR ranges separated by commas, such as 127.0.0.1/32,10.0.0.0/8,::1/128");
    }
}
