package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DownloadTokensTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2025-01-15T10:30:00Z");

    private static DownloadTokens at(Instant now, byte[] key) {
        return new DownloadTokens(key, Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));
    }

    @Test
    void aTokenNamesItsProjectUntilItExpires() {
        UUID project = UUID.randomUUID();
        UUID file = UUID.randomUUID();
        String token = at(NOW, KEY).issue(project, file);

        assertEquals(project, at(NOW, KEY).verify(file, token));
        assertEquals(project, at(NOW.plusSeconds(299), KEY).verify(file, token));
        assertUnauthenticated(() -> at(NOW.plusSeconds(300), KEY).verify(file, token));
    }

    @Test
    void aTokenIsBoundToItsFileAndKey() {
        UUID file = UUID.randomUUID();
        String token = at(NOW, KEY).issue(UUID.randomUUID(), file);
        assertUnauthenticated(() -> at(NOW, KEY).verify(UUID.randomUUID(), token));
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        assertUnauthenticated(() -> at(NOW, otherKey).verify(file, token));
        assertUnauthenticated(() -> at(NOW, KEY).verify(file, token + "A"));
        assertUnauthenticated(() -> at(NOW, KEY).verify(file, "%%%"));
    }

    @Test
    void oneInstanceIssuesAndChecksTokensOnManyThreadsAlike() throws Exception {
        DownloadTokens tokens = at(NOW, KEY);
        UUID project = UUID.randomUUID();
        List<UUID> files = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            files.add(UUID.randomUUID());
        }
        // The same token from a fresh instance, from this instance again (its MAC reused), and from 8 threads at once.
        List<String> expected = files.stream().map(f -> at(NOW, KEY).issue(project, f)).toList();
        assertEquals(expected, files.stream().map(f -> tokens.issue(project, f)).toList());
        assertEquals(expected, files.stream().map(f -> tokens.issue(project, f)).toList());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> issued = new ArrayList<>();
            for (UUID f : files) {
                issued.add(pool.submit(() -> {
                    String token = tokens.issue(project, f);
                    assertEquals(project, tokens.verify(f, token));
                    return token;
                }));
            }
            for (int i = 0; i < files.size(); i++) {
                assertEquals(expected.get(i), issued.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertUnauthenticated(Runnable r) {
        assertEquals(ErrorCode.UNAUTHENTICATED, assertThrows(UploadException.class, r::run).code());
    }
}
