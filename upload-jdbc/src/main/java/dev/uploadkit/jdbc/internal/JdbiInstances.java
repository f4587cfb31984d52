package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.catalog.Instances;

import java.time.Instant;
import java.util.Objects;

/** {@link Instances} on the {@code instances} table, within one transaction. */
final class JdbiInstances implements Instances {
    private final Tx tx;
    private final Vendor vendor;

    JdbiInstances(Tx tx) {
        this.tx = tx;
        this.vendor = tx.vendor();
    }

    @Override
    public void heartbeat(String id, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        tx.run(h -> {
            // Only this instance writes its row, so update-then-insert cannot race with itself.
            int updated = h.createUpdate("UPDATE instances SET heartbeat_at = :now WHERE id = :id")
                    .bind("id", id).bind("now", vendor.instant(now)).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO instances (id, heartbeat_at) VALUES (:id, :now)")
                        .bind("id", id).bind("now", vendor.instant(now)).execute();
            }
            return null;
        });
    }
}
