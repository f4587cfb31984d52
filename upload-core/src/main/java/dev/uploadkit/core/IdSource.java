package dev.uploadkit.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/** Makes ids for new records. Implementations are thread-safe. */
@FunctionalInterface
public interface IdSource {

    UUID next();

    /**
     * Returns a source of RFC 9562 version 7 UUIDs: time-ordered (so new rows land at the end of the
     * primary-key index) with 74 random bits.
     */
    static IdSource timeOrdered(Clock clock) {
        SecureRandom random = new SecureRandom();
        return () -> {
            long millis = clock.millis();
            long randA = random.nextInt(1 << 12);
            long msb = (millis << 16) | 0x7000L | randA;
            long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(msb, lsb);
        };
    }
}
