package dev.uploadkit.core.internal.net;

import java.net.IDN;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Parses a URL host the way the WHATWG URL standard does, so that every spelling of an IP address a browser
 * or curl would connect to is recognised as that address, never handed to DNS.
 *
 * <p>IPv4 hosts follow the standard's "ends in a number" rule and IPv4 number parser: one to four dot-separated
 * parts, each decimal, octal (leading {@code 0}) or hexadecimal ({@code 0x}), the last filling the remaining
 * bytes, so {@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1} and {@code 127.1} all mean
 * {@code 127.0.0.1}. A host whose last label is numeric but which is not a valid IPv4 address is invalid, as in
 * the standard. Bracketed hosts must be IPv6 literals (no zone id).
 */
public final class HostLiterals {
    /** A parsed host: either {@code address} (an IP literal) or {@code name} (to resolve), never both. */
    public record Host(InetAddress address, String name) {
        public boolean isLiteral() {
            return address != null;
        }
    }

    private static final String FORBIDDEN = " #%/:<>?@[\\]^|\t\r\n\0";

    private HostLiterals() {
    }

    /**
     * Parses a URL's raw host (percent-encoded, IPv6 in brackets).
     *
     * @throws IllegalArgumentException with a message naming the problem when the host is not valid
     */
    public static Host parse(String rawHost) {
        if (rawHost == null || rawHost.isEmpty()) {
            throw new IllegalArgumentException("the URL has no host");
        }
        if (rawHost.startsWith("[")) {
            if (!rawHost.endsWith("]")) {
                throw new IllegalArgumentException("the IPv6 host is missing its closing ']'");
            }
            return new Host(parseIpv6(rawHost.substring(1, rawHost.length() - 1)), null);
        }
        String decoded = percentDecode(rawHost);
        String ascii;
        try {
            ascii = IDN.toASCII(decoded, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the host is not a valid domain name", e);
        }
        if (ascii.isEmpty()) {
            throw new IllegalArgumentException("the URL has no host");
        }
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            if (FORBIDDEN.indexOf(c) >= 0 || c < 0x20 || c == 0x7F) {
                throw new IllegalArgumentException("the host contains a forbidden character");
            }
        }
        if (endsInNumber(ascii)) {
            return new Host(AddressClasses.fromBytes(parseIpv4(ascii)), null);
        }
        return new Host(null, ascii);
    }

    private static boolean endsInNumber(String host) {
        String[] parts = host.split("\\.", -1);
        int last = parts.length - 1;
        if (parts[last].isEmpty()) {
            if (parts.length == 1) {
                return false;
            }
            last--;
        }
        String part = parts[last];
        if (!part.isEmpty() && part.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return parseNumber(part) >= 0;
    }

    /** The WHATWG IPv4 parser; returns the four bytes or throws. */
    static byte[] parseIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        int count = parts.length;
        if (parts[count - 1].isEmpty() && count > 1) {
            count--;
        }
        if (count > 4) {
            throw new IllegalArgumentException("the host looks like an IPv4 address but has more than four parts");
        }
        long[] numbers = new long[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = parseNumber(parts[i]);
            if (numbers[i] < 0) {
                throw new IllegalArgumentException("the host looks like an IPv4 address but a part is not a number");
            }
            if (i < count - 1 && numbers[i] > 255) {
                throw new IllegalArgumentException("the host looks like an IPv4 address but a part exceeds 255");
            }
        }
        long last = numbers[count - 1];
        if (last >= 1L << (8 * (5 - count))) {
            throw new IllegalArgumentException("the host looks like an IPv4 address but is out of range");
        }
        long value = last;
        for (int i = 0; i < count - 1; i++) {
            value += numbers[i] << (8 * (3 - i));
        }
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** Returns the part's value (decimal, {@code 0} octal, {@code 0x} hex), or -1 when it is not a number. */
    private static long parseNumber(String part) {
        if (part.isEmpty()) {
            return -1;
        }
        int radix = 10;
        String digits = part;
        if (digits.length() >= 2 && (digits.startsWith("0x") || digits.startsWith("0X"))) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.length() >= 2 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        if (digits.isEmpty()) {
            return 0;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0 || digits.charAt(i) > 0x7F) {
                return -1;
            }
            value = value * radix + d;
            if (value > 0xFFFF_FFFFL) {
                value = 0x1_0000_0000L; // out of range whatever follows; stays "a number"
            }
        }
        return value;
    }

    private static InetAddress parseIpv6(String literal) {
        if (literal.isEmpty() || literal.indexOf(':') < 0) {
            throw new IllegalArgumentException("the bracketed host is not an IPv6 address");
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 0x80)) {
                throw new IllegalArgumentException("the bracketed host is not an IPv6 address (zone ids are not "
                        + "allowed)");
            }
        }
        try {
            // A bracketed literal is never looked up: the JDK parses it or fails without resolving anything.
            InetAddress parsed = InetAddress.getByName("[" + literal + "]");
            // getByName turns ::ffff:a.b.c.d into an Inet4Address; keep that, it is the same destination.
            return parsed instanceof Inet6Address v6 ? AddressClasses.fromBytes(v6.getAddress()) : parsed;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("the bracketed host is not an IPv6 address", e);
        }
    }

    private static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length
                    && Character.digit(bytes[i + 1], 16) >= 0 && Character.digit(bytes[i + 2], 16) >= 0) {
                out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
