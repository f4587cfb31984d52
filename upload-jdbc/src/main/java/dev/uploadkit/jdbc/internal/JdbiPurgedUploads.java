package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.catalog.PurgedUploads;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** {@link PurgedUploads} on table {@code purged_uploads}, within one transaction. */
final class JdbiPurgedUploads implements PurgedUploads {
    private final Tx tx;
    private final Vendor vendor;

    JdbiPurgedUploads(Tx tx) {
        this.tx = tx;
        this.vendor = tx.vendor();
    }

    @Override
    public void add(UUID projectId, UUID uuid, Instant purgedAt) {
        Objects.requireNonNull(purgedAt, "purgedAt");
        tx.run(h -> h.createUpdate("INSERT INTO purged_uploads (project_id, uuid, purged_at)"
                        + " VALUES (:project_id, :uuid, :purged_at)")
                .bind("project_id", vendor.uuid(Objects.requireNonNull(projectId, "projectId")))
                .bind("uuid", vendor.uuid(Objects.requireNonNull(uuid, "uuid")))
                .bind("purged_at", vendor.instant(purgedAt))
                .execute());
    }

    @Override
    public boolean contains(UUID projectId, UUID uuid) {
        return tx.run(h -> h.createQuery("SELECT 1 FROM purged_uploads WHERE project_id = :project_id"
                        + " AND uuid = :uuid")
                .bind("project_id", vendor.uuid(projectId))
                .bind("uuid", vendor.uuid(uuid))
                .mapTo(Integer.class)
                .findFirst()
                .isPresent());
    }

    @Override
    public int expire(Instant before, int limit) {
        Objects.requireNonNull(before, "before");
        return tx.run(h -> {
            // Selected first, then deleted by key: PostgreSQL has no DELETE … LIMIT. By the whole primary key, one row
            // each: a uuid alone is in no index, and a DELETE on purged_at < :before AND uuid IN (…) read the whole
            // expired range again for every batch.
            record Key(UUID projectId, UUID uuid) {
            }
            List<Key> keys = h.createQuery("SELECT project_id, uuid FROM purged_uploads WHERE purged_at < :before"
                            + " ORDER BY purged_at LIMIT :limit")
                    .bind("before", vendor.instant(before))
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Key(vendor.uuid(rs, "project_id"), vendor.uuid(rs, "uuid")))
                    .list();
            if (keys.isEmpty()) {
                return 0;
            }
            PreparedBatch delete = h.prepareBatch("DELETE FROM purged_uploads WHERE project_id = :project_id"
                    + " AND uuid = :uuid AND purged_at < :before");
            for (Key key : keys) {
                delete.bind("project_id", vendor.uuid(key.projectId())).bind("uuid", vendor.uuid(key.uuid()))
                        .bind("before", vendor.instant(before)).add();
            }
            int deleted = 0;
            for (int count : delete.execute()) {
                deleted += count == Statement.SUCCESS_NO_INFO ? 1 : count; // MariaDB's bulk batches report no counts
            }
            return deleted;
        });
    }
}
