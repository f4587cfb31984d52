package dev.uploadkit.core.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits in tests for something another thread or process does: polls a condition until a deadline, no sleeps. */
public final class Poll {
    private Poll() {
    }

    /** Polls {@code condition} every 20 ms until it holds (true) or {@code timeout} passes (its last answer). */
    public static boolean until(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(20_000_000);
        }
        return condition.getAsBoolean();
    }
}
