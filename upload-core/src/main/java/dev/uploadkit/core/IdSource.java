package dev.uploadkit.core;

import java.security.NoSuchAlgorithmException;
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
        // One generator per thread: the default SecureRandom (NativePRNG) serialises every caller on one lock,
        // which under many concurrent uploads made threads queue for ids.
        ThreadLocal<SecureRandom> perThread = ThreadLocal.withInitial(IdSource::newRandom);
        return () -> {
            SecureRandom random = perThread.get();
            long millis = clock.millis();
            long randA = random.nextInt(1 << 12);
            long msb = (millis << 16) | 0x7000L | randA;
            long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(msb, lsb);
        };
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
