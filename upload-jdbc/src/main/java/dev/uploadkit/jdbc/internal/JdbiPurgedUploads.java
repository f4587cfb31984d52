package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.catalog.PurgedUploads;

import java.time.Instant;
import java.util.ArrayList;
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
            // Selected first, then deleted by key: PostgreSQL has no DELETE … LIMIT. A uuid is unique across
            // projects (it was an upload's primary key), so the key needs no project.
            List<UUID> uuids = h.createQuery("SELECT uuid FROM purged_uploads WHERE purged_at < :before"
                            + " ORDER BY purged_at LIMIT :limit")
                    .bind("before", vendor.instant(before))
                    .bind("limit", limit)
                    .map((rs, ctx) -> vendor.uuid(rs, "uuid"))
                    .list();
            if (uuids.isEmpty()) {
                return 0;
            }
            List<String> names = new ArrayList<>(uuids.size());
            for (int i = 0; i < uuids.size(); i++) {
                names.add(":u" + i);
            }
            var delete = h.createUpdate("DELETE FROM purged_uploads WHERE purged_at < :before AND uuid IN ("
                    + String.join(", ", names) + ")").bind("before", vendor.instant(before));
            for (int i = 0; i < uuids.size(); i++) {
                delete.bind("u" + i, vendor.uuid(uuids.get(i)));
            }
            return delete.execute();
        });
    }
}
