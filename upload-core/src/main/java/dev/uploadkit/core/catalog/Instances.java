package dev.uploadkit.core.catalog;

import java.time.Instant;

/**
 * The instances of the service sharing a catalog and when each last showed it was alive. A {@code processing}
 * upload whose instance has not done so lately was cut off by a crash.
 */
public interface Instances {

    /** Records that instance {@code id} is alive at {@code now}, adding it if new. */
    void heartbeat(String id, Instant now);
}
