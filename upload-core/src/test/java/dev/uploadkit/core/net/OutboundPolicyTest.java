package dev.uploadkit.core.net;

import dev.uploadkit.core.internal.net.HostLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Classification of host spellings and addresses; literals only, nothing is resolved or contacted. */
class OutboundPolicyTest {

    private static InetAddress literal(String host) {
        HostLiterals.Host parsed = HostLiterals.parse(host);
        assertTrue(parsed.isLiteral(), host + " must parse as an IP literal, not a name");
        return parsed.address();
    }

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1            | loopback",
            "2130706433           | loopback",
            "0177.0.0.1           | loopback",
            "0x7f.1               | loopback",
            "0x7f000001           | loopback",
            "0X7F.0.0.1           | loopback",
            "127.1                | loopback",
            "127.0.0.1.           | loopback",
            "%31%32%37.0.0.1      | loopback",
            "127.255.255.254      | loopback",
            "[::1]                | loopback",
            "[::ffff:127.0.0.1]   | loopback",
            "[::ffff:7f00:1]      | loopback",
            "[::127.0.0.1]        | loopback",
            "0.0.0.0              | unspecified",
            "0                    | unspecified",
            "[::]                 | unspecified",
            "10.0.0.1             | private",
            "172.16.0.1           | private",
            "172.31.255.255       | private",
            "192.168.1.1          | private",
            "169.254.169.254      | link-local",
            "[::ffff:a9fe:a9fe]   | link-local",
            "[fe80::1]            | link-local",
            "100.64.0.1           | carrier-grade NAT",
            "100.127.255.255      | carrier-grade NAT",
            "224.0.0.1            | multicast",
            "239.255.255.250      | multicast",
            "[ff02::1]            | multicast",
            "255.255.255.255      | broadcast",
            "240.0.0.1            | reserved",
            "[fc00::1]            | unique local",
            "[fd00:ec2::254]      | unique local",
            "[64:ff9b::a9fe:a9fe] | NAT64",
            "[64:ff9b::7f00:1]    | loopback",
            "[2002:a00:1::]       | 6to4",
            "[2002:7f00:1::]      | loopback",
            "198.18.0.1           | benchmarking",
            "198.19.255.255       | benchmarking",
            "192.0.2.1            | documentation",
            "198.51.100.1         | documentation",
            "203.0.113.1          | documentation",
            "[2001:db8::1]        | documentation",
            "192.0.0.1            | IETF protocol",
            "[2001::1]            | Teredo",
            "[fec0::1]            | site-local",
            "[100::1]             | reserved IPv6",
    })
    void refusesEveryNonPublicClassInEverySpelling(String host, String expectedClass) {
        String refusal = OutboundPolicy.defaults().refusal(literal(host));
        assertNotNull(refusal, host + " must be refused");
        assertTrue(refusal.contains(expectedClass), host + ": '" + refusal + "' should name " + expectedClass);
    }

    @ParameterizedTest(name = "{0} is allowed")
    @ValueSource(strings = {"93.184.216.34", "[2606:2800:220:1::]", "8.8.8.8", "1.1.1.1", "172.32.0.1",
            "100.128.0.1", "11.0.0.1", "223.255.255.254", "[2002:5db8:d822::]", "[64:ff9b::5db8:d822]",
            "[::ffff:93.184.216.34]", "1572395042"})
    void allowsPublicUnicast(String host) {
        assertNull(OutboundPolicy.defaults().refusal(literal(host)), host + " must be allowed");
    }

    @ParameterizedTest(name = "{0} is not a valid host")
    @ValueSource(strings = {"0x7g.1", "256.256.256.256", "1.2.3.4.5", "1.2.3.0x100", "4294967296",
            "[::1%eth0]", "[1.2.3.4]", "[::1", "[zz::1]", "a b", "09.0.0.1"})
    void invalidSpellingsAreRefusedNotResolved(String host) {
        assertThrows(IllegalArgumentException.class, () -> HostLiterals.parse(host));
    }

    @Test
    void namesStayNamesForTheResolver() {
        HostLiterals.Host host = HostLiterals.parse("Example.COM");
        assertFalse(host.isLiteral());
        assertEquals("example.com", host.name());
        assertEquals("1.example", HostLiterals.parse("1.example").name());
    }

    @Test
    void checkNamesHostAddressAndClassButNotTheUrl() {
        OutboundException e = assertThrows(OutboundException.class,
                () -> OutboundPolicy.defaults().check("metadata.internal", literal("169.254.169.254")));
        assertEquals(OutboundException.Reason.FORBIDDEN, e.reason());
        assertTrue(e.getMessage().contains("metadata.internal") && e.getMessage().contains("169.254.169.254")
                && e.getMessage().contains("link-local"), e.getMessage());
    }

    @Test
    void allowListOverridesRefusal() {
        OutboundPolicy policy = OutboundPolicy.parse("127.0.0.1/32, 10.0.0.0/8,::1/128");
        assertTrue(policy.allows(literal("127.0.0.1")));
        assertTrue(policy.allows(literal("2130706433")));
        assertTrue(policy.allows(literal("[::ffff:127.0.0.1]")));
        assertTrue(policy.allows(literal("10.200.1.1")));
        assertTrue(policy.allows(literal("[::1]")));
        assertFalse(policy.allows(literal("127.0.0.2")));
        assertFalse(policy.allows(literal("192.168.1.1")));
        assertFalse(policy.allows(literal("169.254.169.254")));
        assertEquals(java.util.List.of("127.0.0.1/32", "10.0.0.0/8", "::1/128"), policy.allowList());
    }

    @Test
    void allowListTakesIpv6RangesAndBareAddresses() {
        OutboundPolicy policy = OutboundPolicy.parse("fd00::/8,192.168.1.7,fe80::1");
        assertTrue(policy.allows(literal("[fd00:ec2::254]")));
        assertFalse(policy.allows(literal("[fc00::1]")));
        assertTrue(policy.allows(literal("192.168.1.7")));
        assertFalse(policy.allows(literal("192.168.1.8")));
        assertTrue(policy.allows(literal("[fe80::1]")));
        assertFalse(policy.allows(literal("[fe80::2]")));
        assertTrue(OutboundPolicy.parse("10.1.2.3/8").allows(literal("10.9.9.9")), "host bits are ignored");
    }

    @Test
    void blankAllowListIsTheDefault() {
        assertEquals(OutboundPolicy.defaults(), OutboundPolicy.parse(null));
        assertEquals(OutboundPolicy.defaults(), OutboundPolicy.parse(" , "));
    }

    @ParameterizedTest(name = "''{0}'' is rejected")
    @ValueSource(strings = {"10.0.0.0/33", "300.1.1.1", "localhost", "10.0.0.0/x", "fe80::zz/10", "::1/129",
            "0x7f.1", "127.1", "10.0.0.0/"})
    void invalidAllowListEntriesAreNamed(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutboundPolicy.parse("127.0.0.1/32," + entry));
        assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("UPLOADKIT_OUTBOUND_ALLOW"), e.getMessage());
    }

    @Test
    void urlWithoutHostIsInvalid() {
        OutboundException e = assertThrows(OutboundException.class,
                () -> OutboundHttp.builder().build().open(URI.create("http:/nohost")));
        assertEquals(OutboundException.Reason.INVALID_URL, e.reason());
    }
}
