package dev.uploadkit.servlet.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A set of IP addresses and CIDR ranges, such as the trusted proxies whose {@code X-Forwarded-For} is believed. */
public final class AddressRanges {
    private record Range(byte[] network, int prefix) {
    }

    private final List<Range> ranges;

    private AddressRanges(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    static AddressRanges none() {
        return new AddressRanges(List.of());
    }

    /**
     * Parses addresses or CIDR ranges such as {@code 10.0.0.0/8} or {@code ::1}.
     *
     * @throws IllegalArgumentException naming an entry that is not an IP literal or range
     */
    public static AddressRanges parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            byte[] address = literal(host);
            if (address == null) {
                throw new IllegalArgumentException("trustedProxies: '" + raw + "' is not an IP address or CIDR range; "
                        + "write for example 10.0.0.0/8 or 127.0.0.1");
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("trustedProxies: '" + raw + "' has a bad prefix length; "
                            + "write for example 10.0.0.0/8");
                }
            }
            ranges.add(new Range(address, prefix));
        }
        return new AddressRanges(ranges);
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Returns true if {@code text}, an IP literal, is in one of the ranges; false for anything else. */
    boolean contains(String text) {
        if (ranges.isEmpty() || text == null) {
            return false;
        }
        byte[] address = literal(text.strip());
        if (address == null) {
            return false;
        }
        for (Range r : ranges) {
            if (r.network().length == address.length && matches(r.network(), address, r.prefix())) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] network, byte[] address, int prefix) {
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((network[bit / 8] & mask) != (address[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Returns the bytes of an IP literal without any name lookup, or null. */
    private static byte[] literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = t.indexOf(':') >= 0 && t.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
