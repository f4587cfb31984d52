package dev.uploadkit.core.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Values read from the database on every request (a key by its prefix, a project's plan, its default storage
 * connection), kept for a short time-to-live. Other instances sharing the database see a change once the entry
 * expires; the instance that makes a change {@link #invalidate invalidates} its entry, so it sees it at once.
 *
 * <p>An invalidation also voids every load that was in progress when it happened, so a value read just before a
 * change is never kept after it. Several threads missing the same key at once may each load it (no lock is held
 * while loading). Holds at most {@code maxEntries}; past that, expired entries go first, then all. Thread-safe.
 */
public final class LookupCache<K, V> {
    private record Entry<V>(V value, long expiresAt) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong invalidations = new AtomicLong();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;

    /** A cache keeping entries for {@code ttl}; a zero {@code ttl} keeps nothing (every get loads). */
    public LookupCache(Duration ttl, int maxEntries) {
        this(ttl, maxEntries, System::nanoTime);
    }

    LookupCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
        if (ttl == null || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl: must be zero or positive, was " + ttl);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries: must be positive, was " + maxEntries);
        }
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Returns the live entry of {@code key}, else what {@code loader} returns, which is then kept. */
    public V get(K key, Function<? super K, ? extends V> loader) {
        return get(key, loader, v -> true);
    }

    /**
     * Returns the live entry of {@code key}, else what {@code loader} returns, kept only if {@code keep} accepts
     * it (so a failed lookup can be left uncached). What the loader throws passes through, and nothing is kept.
     */
    public V get(K key, Function<? super K, ? extends V> loader, Predicate<? super V> keep) {
        long now = nanoTime.getAsLong();
        Entry<V> entry = entries.get(key);
        if (entry != null && entry.expiresAt() - now > 0) {
            return entry.value();
        }
        long generation = invalidations.get();
        V value = loader.apply(key);
        if (ttlNanos > 0 && keep.test(value)) {
            if (entries.size() >= maxEntries) {
                shrink(now);
            }
            Entry<V> fresh = new Entry<>(value, now + ttlNanos);
            // Kept only if no invalidation happened since the load began: the value may predate that change.
            entries.compute(key, (k, old) -> invalidations.get() == generation ? fresh : old);
        }
        return value;
    }

    /** Forgets {@code key} and voids loads in progress; call it after the change has been committed. */
    public void invalidate(K key) {
        invalidations.incrementAndGet();
        entries.remove(key);
    }

    /** Forgets every entry {@code which} matches and voids loads in progress. */
    public void invalidateIf(BiPredicate<? super K, ? super V> which) {
        invalidations.incrementAndGet();
        entries.entrySet().removeIf(e -> which.test(e.getKey(), e.getValue().value()));
    }

    private void shrink(long now) {
        entries.values().removeIf(e -> e.expiresAt() - now <= 0);
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
    }
}
