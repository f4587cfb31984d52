package dev.uploadkit.core.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LookupCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger loads = new AtomicInteger();

    private String load(String key) {
        return key + "#" + loads.incrementAndGet();
    }

    @Test
    void keepsAValueForItsTtlThenLoadsAgain() {
        LookupCache<String, String> cache = new LookupCache<>(Duration.ofSeconds(3), 100, now::get);
        assertEquals("a#1", cache.get("a", this::load));
        now.addAndGet(Duration.ofMillis(2_999).toNanos());
        assertEquals("a#1", cache.get("a", this::load));
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertEquals("a#2", cache.get("a", this::load), "expired");
        assertEquals("b#3", cache.get("b", this::load));
    }

    @Test
    void invalidationForgetsAtOnce() {
        LookupCache<String, String> cache = new LookupCache<>(Duration.ofSeconds(3), 100, now::get);
        cache.get("a", this::load);
        cache.get("b", this::load);
        cache.invalidate("a");
        assertEquals("a#3", cache.get("a", this::load));
        assertEquals("b#2", cache.get("b", this::load));
        cache.invalidateIf((k, v) -> v.startsWith("b"));
        assertEquals("b#4", cache.get("b", this::load));
        assertEquals("a#3", cache.get("a", this::load));
    }

    @Test
    void aLoadOverlappingAnInvalidationIsNotKept() {
        LookupCache<String, String> cache = new LookupCache<>(Duration.ofSeconds(3), 100, now::get);
        // The value is read, then changed and invalidated by another thread, then the read completes.
        assertEquals("a#1", cache.get("a", k -> {
            String stale = load(k);
            cache.invalidate(k);
            return stale;
        }));
        assertEquals("a#2", cache.get("a", this::load), "the stale read was not kept");
        assertEquals("a#2", cache.get("a", this::load));
    }

    @Test
    void valuesRefusedByKeepAndFailedLoadsAreNotKept() {
        LookupCache<String, Optional<String>> cache = new LookupCache<>(Duration.ofSeconds(3), 100, now::get);
        assertEquals(Optional.empty(), cache.get("a", k -> {
            loads.incrementAndGet();
            return Optional.empty();
        }, Optional::isPresent));
        assertEquals(Optional.of("a#2"), cache.get("a", k -> Optional.of(load(k)), Optional::isPresent));
        assertEquals(Optional.of("a#2"), cache.get("a", k -> Optional.of(load(k)), Optional::isPresent));
        assertThrows(IllegalStateException.class, () -> cache.get("b", k -> {
            throw new IllegalStateException("database down");
        }));
        assertEquals(Optional.of("b#3"), cache.get("b", k -> Optional.of(load(k)), Optional::isPresent));
    }

    @Test
    void aZeroTtlKeepsNothing() {
        LookupCache<String, String> cache = new LookupCache<>(Duration.ZERO, 100, now::get);
        assertEquals("a#1", cache.get("a", this::load));
        assertEquals("a#2", cache.get("a", this::load));
    }

    @Test
    void staysWithinItsSize() {
        LookupCache<Integer, String> cache = new LookupCache<>(Duration.ofSeconds(3), 2, now::get);
        cache.get(1, k -> load("" + k));
        cache.get(2, k -> load("" + k));
        cache.get(3, k -> load("" + k));
        assertEquals("3#3", cache.get(3, k -> load("" + k)), "the newest entry is kept");
        assertEquals("1#4", cache.get(1, k -> load("" + k)), "older ones made room");
        assertThrows(IllegalArgumentException.class, () -> new LookupCache<>(Duration.ofSeconds(-1), 2));
        assertThrows(IllegalArgumentException.class, () -> new LookupCache<>(Duration.ofSeconds(1), 0));
    }
}
