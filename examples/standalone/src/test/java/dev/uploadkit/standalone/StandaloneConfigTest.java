package dev.uploadkit.standalone;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandaloneConfigTest {

    @Test
    void defaultsListOnLoopbackWithEmbeddedStorage() {
        StandaloneConfig c = StandaloneConfig.from(new String[0], Map.of());
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals(Path.of("data").toAbsolutePath(), c.dataDir());
        assertEquals(Optional.empty(), c.databaseUrl());
        assertEquals(Optional.empty(), c.s3Endpoint());
        assertEquals(5120L * 1024 * 1024, c.maxFileSize().bytes());
        assertEquals(java.time.Duration.ofDays(30), c.trashRetention());
    }

    @Test
    void helpIsAskedForAnywhereInTheArguments() {
        assertTrue(StandaloneConfig.asksForHelp(new String[] {"--help"}));
        assertTrue(StandaloneConfig.asksForHelp(new String[] {"--port", "1", "-h"}));
        assertEquals(false, StandaloneConfig.asksForHelp(new String[] {"--port", "1"}));
    }

    @Test
    void flagsWinOverEnvironment() {
        StandaloneConfig c = StandaloneConfig.from(new String[] {"--port", "9000", "--data-dir=/tmp/x"},
                Map.of("UPLOADKIT_PORT", "7000", "UPLOADKIT_DATABASE_URL", "jdbc:postgresql://127.0.0.1/test",
                        "UPLOADKIT_ADMIN_KEY", "k".repeat(30)));
        assertEquals(9000, c.port());
        assertEquals(Path.of("/tmp/x"), c.dataDir());
        assertEquals(Optional.of("jdbc:postgresql://127.0.0.1/test"), c.databaseUrl());
        assertEquals(Optional.of("k".repeat(30)), c.adminKey());
    }

    @Test
    void readsTheTrashRetention() {
        assertEquals(java.time.Duration.ofSeconds(5),
                StandaloneConfig.from(new String[0], Map.of("UPLOADKIT_TRASH_RETENTION", "5s")).trashRetention());
        assertEquals(java.time.Duration.ofHours(24),
                StandaloneConfig.from(new String[0], Map.of("UPLOADKIT_TRASH_RETENTION", "PT24H")).trashRetention());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[0],
                Map.of("UPLOADKIT_TRASH_RETENTION", "soon"))).getMessage().startsWith("UPLOADKIT_TRASH_RETENTION:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[0],
                Map.of("UPLOADKIT_TRASH_RETENTION", "0s"))).getMessage().startsWith("UPLOADKIT_TRASH_RETENTION:"));
    }

    @Test
    void readsTheLookupCacheTtl() {
        assertEquals(java.time.Duration.ofSeconds(3), StandaloneConfig.from(new String[0], Map.of()).lookupCacheTtl());
        assertEquals(java.time.Duration.ZERO,
                StandaloneConfig.from(new String[0], Map.of("UPLOADKIT_LOOKUP_CACHE_TTL", "0s")).lookupCacheTtl());
        assertEquals(java.time.Duration.ofMillis(500),
                StandaloneConfig.from(new String[0], Map.of("UPLOADKIT_LOOKUP_CACHE_TTL", "500ms")).lookupCacheTtl());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[0],
                Map.of("UPLOADKIT_LOOKUP_CACHE_TTL", "2m"))).getMessage().startsWith("UPLOADKIT_LOOKUP_CACHE_TTL:"));
    }

    @Test
    void readsTheOutboundAllowListAndImportSettings() {
        StandaloneConfig defaults = StandaloneConfig.from(new String[0], Map.of());
        assertEquals(dev.uploadkit.core.net.OutboundPolicy.defaults(), defaults.outboundPolicy());
        assertEquals(java.time.Duration.ofHours(24), defaults.unstoredTtl());
        assertEquals(java.time.Duration.ofMinutes(10), defaults.importTimeout());
        StandaloneConfig c = StandaloneConfig.from(new String[0], Map.of("UPLOADKIT_OUTBOUND_ALLOW",
                "127.0.0.1/32, 10.0.0.0/8,::1/128", "UPLOADKIT_UNSTORED_TTL", "90s", "UPLOADKIT_IMPORT_TIMEOUT", "30s"));
        assertEquals(java.util.List.of("127.0.0.1/32", "10.0.0.0/8", "::1/128"), c.outboundPolicy().allowList());
        assertEquals(java.time.Duration.ofSeconds(90), c.unstoredTtl());
        assertEquals(java.time.Duration.ofSeconds(30), c.importTimeout());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[0],
                Map.of("UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/33"))).getMessage().startsWith("UPLOADKIT_OUTBOUND_ALLOW"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[0],
                Map.of("UPLOADKIT_UNSTORED_TTL", "0s"))).getMessage().startsWith("UPLOADKIT_UNSTORED_TTL"));
    }

    @Test
    void refusesBadInputNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StandaloneConfig.from(new String[] {"--port", "http"}, Map.of())).getMessage().contains("--port"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StandaloneConfig.from(new String[] {"--colour", "red"}, Map.of())).getMessage().contains("--colour"));
        assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[] {"--port"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[] {"--port", "70000"}, Map.of()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[0],
                Map.of("UPLOADKIT_S3_ENDPOINT", "http://127.0.0.1:9000"))).getMessage().contains("UPLOADKIT_S3_BUCKET"));
        for (String key : new String[] {"short", "has a space in it 0123456789", "x".repeat(257)}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.from(new String[0],
                    Map.of("UPLOADKIT_ADMIN_KEY", key))).getMessage().startsWith("UPLOADKIT_ADMIN_KEY:"), key);
        }
    }
}
