package dev.uploadkit.core.internal.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Names the class of an address that outbound requests must not reach by default, from its bytes alone (no
 * DNS lookup).
 *
 * <p>IPv4: every special-purpose range of the IANA registry that is not globally reachable. IPv6: everything
 * outside global unicast {@code 2000::/3} is refused, except the forms that embed an IPv4 address
 * ({@code ::ffff:a.b.c.d}, {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}), which are
 * judged by that IPv4 address; inside {@code 2000::/3}, Teredo, benchmarking, ORCHID and documentation
 * prefixes are refused too.
 */
public final class AddressClasses {
    private record Range(byte[] prefix, int bits, String description) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }

    private static final List<Range> IPV4 = List.of(
            v4(0, 0, 0, 0, 8, "an unspecified address (0.0.0.0/8)"),
            v4(127, 0, 0, 0, 8, "a loopback address (127.0.0.0/8)"),
            v4(10, 0, 0, 0, 8, "a private address (10.0.0.0/8, RFC 1918)"),
            v4(172, 16, 0, 0, 12, "a private address (172.16.0.0/12, RFC 1918)"),
            v4(192, 168, 0, 0, 16, "a private address (192.168.0.0/16, RFC 1918)"),
            v4(169, 254, 0, 0, 16, "a link-local or cloud metadata address (169.254.0.0/16)"),
            v4(100, 64, 0, 0, 10, "a carrier-grade NAT address (100.64.0.0/10)"),
            v4(192, 0, 0, 0, 24, "an IETF protocol assignment address (192.0.0.0/24)"),
            v4(192, 0, 2, 0, 24, "a documentation address (192.0.2.0/24)"),
            v4(198, 51, 100, 0, 24, "a documentation address (198.51.100.0/24)"),
            v4(203, 0, 113, 0, 24, "a documentation address (203.0.113.0/24)"),
            v4(198, 18, 0, 0, 15, "a benchmarking address (198.18.0.0/15)"),
            v4(192, 88, 99, 0, 24, "a 6to4 relay anycast address (192.88.99.0/24)"),
            v4(224, 0, 0, 0, 4, "a multicast address (224.0.0.0/4)"),
            v4(255, 255, 255, 255, 32, "the broadcast address (255.255.255.255)"),
            v4(240, 0, 0, 0, 4, "a reserved address (240.0.0.0/4)"));

    private static final List<Range> IPV6 = List.of(
            v6(0xfe80, 10, "a link-local address (fe80::/10)"),
            v6(0xfc00, 7, "a unique local address (fc00::/7)"),
            v6(0xff00, 8, "a multicast address (ff00::/8)"),
            v6(0xfec0, 10, "a site-local address (fec0::/10)"),
            v6(0x2001_0db8L, 32, "a documentation address (2001:db8::/32)"),
            v6(0x2001_0000L, 32, "a Teredo address (2001::/32)"),
            v6(0x2001_0002_0000L, 48, "a benchmarking address (2001:2::/48)"),
            v6(0x2001_0010L, 28, "an ORCHID address (2001:10::/28)"),
            v6(0x2001_0020L, 28, "an ORCHID address (2001:20::/28)"));

    private AddressClasses() {
    }

    /**
     * Returns why {@code address} is refused by default, such as {@code "a loopback address (127.0.0.0/8)"}, or
     * {@code null} when it is a public unicast address.
     */
    public static String refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 ? refusalV4(bytes) : refusalV6(bytes);
    }

    private static String refusalV4(byte[] bytes) {
        for (Range range : IPV4) {
            if (range.contains(bytes)) {
                return range.description();
            }
        }
        return null;
    }

    private static String refusalV6(byte[] b) {
        if (allZero(b, 0, 15) && (b[15] == 0 || b[15] == 1)) {
            return b[15] == 0 ? "an unspecified address (::)" : "a loopback address (::1)";
        }
        if (allZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
            return embedded(b, 12, "an IPv4-mapped address (::ffff:0:0/96) of ");
        }
        if (allZero(b, 0, 12)) {
            return embedded(b, 12, "an IPv4-compatible address (::/96) of ");
        }
        if (startsWith(b, 0x00, 0x64, 0xff, 0x9b) && allZero(b, 4, 12)) {
            return embedded(b, 12, "a NAT64 address (64:ff9b::/96) of ");
        }
        if (startsWith(b, 0x20, 0x02)) {
            return embedded(b, 2, "a 6to4 address (2002::/16) of ");
        }
        if ((b[0] & 0xE0) != 0x20) {
            for (Range range : IPV6) {
                if (range.contains(b)) {
                    return range.description();
                }
            }
            return "a reserved IPv6 address (outside global unicast 2000::/3)";
        }
        for (Range range : IPV6) {
            if (range.contains(b)) {
                return range.description();
            }
        }
        return null;
    }

    private static String embedded(byte[] b, int offset, String prefix) {
        byte[] v4 = {b[offset], b[offset + 1], b[offset + 2], b[offset + 3]};
        String inner = refusalV4(v4);
        String dotted = (v4[0] & 0xFF) + "." + (v4[1] & 0xFF) + "." + (v4[2] & 0xFF) + "." + (v4[3] & 0xFF);
        if (inner != null) {
            return prefix + dotted + ", " + inner;
        }
        return null; // judged by the embedded IPv4 address alone, which is public
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((b[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static Range v4(int a, int b, int c, int d, int bits, String description) {
        return new Range(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, bits, description);
    }

    /** {@code leading} holds the prefix's first 16 to 48 bits, left-aligned to its length in whole groups. */
    private static Range v6(long leading, int bits, String description) {
        int groups = leading > 0xFFFF_FFFFL ? 3 : leading > 0xFFFF ? 2 : 1;
        byte[] prefix = new byte[16];
        for (int g = 0; g < groups; g++) {
            int value = (int) (leading >>> (16 * (groups - 1 - g))) & 0xFFFF;
            prefix[2 * g] = (byte) (value >>> 8);
            prefix[2 * g + 1] = (byte) value;
        }
        return new Range(prefix, bits, description);
    }

    /** Returns the address for these bytes (4 or 16), with no lookup. */
    public static InetAddress fromBytes(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.length, e);
        }
    }
}
