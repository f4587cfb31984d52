package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.catalog.ImportJobs;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** {@link ImportJobs} on the {@code url_imports} table and the status of their uploads, within one transaction. */
final class JdbiImportJobs implements ImportJobs {
    private final Tx tx;
    private final Vendor vendor;

    JdbiImportJobs(Tx tx) {
        this.tx = tx;
        this.vendor = tx.vendor();
    }

    @Override
    public void add(UUID projectId, UUID uuid, String url, boolean filenameGiven, Instant now) {
        Objects.requireNonNull(url, "url");
        tx.run(h -> h.createUpdate("INSERT INTO url_imports (uuid, project_id, url, filename_given, attempts,"
                        + " created_at) VALUES (:uuid, :project_id, :url, :filename_given, 0, :created_at)")
                .bind("uuid", vendor.uuid(uuid))
                .bind("project_id", vendor.uuid(projectId))
                .bind("url", url)
                .bind("filename_given", filenameGiven)
                .bind("created_at", vendor.instant(now))
                .execute());
    }

    @Override
    public List<Job> claim(String instanceId, Instant now, int limit) {
        Objects.requireNonNull(instanceId, "instanceId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return tx.run(h -> {
            record Key(UUID projectId, UUID uuid) {
            }
            List<Key> candidates = h.createQuery("SELECT u.project_id, u.uuid FROM uploads u JOIN url_imports i"
                            + " ON i.uuid = u.uuid WHERE u.status = 'pending' ORDER BY u.created_at, u.uuid LIMIT :limit")
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Key(vendor.uuid(rs, "project_id"), vendor.uuid(rs, "uuid")))
                    .list();
            List<Job> claimed = new ArrayList<>();
            // The conditional update is the claim: of two instances racing for a row, the second waits for the
            // first's commit and then finds it no longer pending. Rows are taken in one order, so no cycle forms.
            for (Key key : candidates) {
                int updated = h.createUpdate("UPDATE uploads SET status = 'processing', instance_id = :instance,"
                                + " updated_at = :now WHERE uuid = :uuid AND status = 'pending'")
                        .bind("instance", instanceId)
                        .bind("now", vendor.instant(now))
                        .bind("uuid", vendor.uuid(key.uuid()))
                        .execute();
                if (updated == 1) {
                    find(h, key.projectId(), key.uuid()).ifPresent(claimed::add);
                }
            }
            return claimed;
        });
    }

    @Override
    public Optional<Job> find(UUID projectId, UUID uuid) {
        return tx.run(h -> find(h, projectId, uuid));
    }

    private Optional<Job> find(Handle h, UUID projectId, UUID uuid) {
        Optional<Upload> upload = h.createQuery("SELECT " + Rows.UPLOAD_COLUMNS + " FROM " + Rows.UPLOADS_WITH_KEY
                        + " WHERE u.project_id = :project_id AND u.uuid = :uuid")
                .bind("project_id", vendor.uuid(projectId))
                .bind("uuid", vendor.uuid(uuid))
                .map(Rows.upload(vendor))
                .findOne();
        if (upload.isEmpty()) {
            return Optional.empty();
        }
        return h.createQuery("SELECT url, filename_given, attempts FROM url_imports WHERE uuid = :uuid")
                .bind("uuid", vendor.uuid(uuid))
                .map((rs, ctx) -> new Job(upload.get(), rs.getString("url"), rs.getBoolean("filename_given"),
                        rs.getInt("attempts")))
                .findOne();
    }

    @Override
    public boolean requeue(UUID projectId, UUID uuid, int maxAttempts, Instant now) {
        return tx.run(h -> {
            int counted = h.createUpdate("UPDATE url_imports SET attempts = attempts + 1 WHERE uuid = :uuid"
                            + " AND project_id = :project_id AND attempts < :max")
                    .bind("uuid", vendor.uuid(uuid))
                    .bind("project_id", vendor.uuid(projectId))
                    .bind("max", maxAttempts)
                    .execute();
            return counted > 0 && toPending(h, uuid, now, "'pending', 'processing'");
        });
    }

    @Override
    public long countUnfinished() {
        return tx.run(h -> h.createQuery("SELECT COUNT(*) FROM url_imports").mapTo(Long.class).one());
    }

    @Override
    public boolean release(UUID projectId, UUID uuid, Instant now) {
        return tx.run(h -> h.createQuery("SELECT COUNT(*) FROM url_imports WHERE uuid = :uuid"
                        + " AND project_id = :project_id")
                .bind("uuid", vendor.uuid(uuid))
                .bind("project_id", vendor.uuid(projectId))
                .mapTo(Integer.class).one() > 0 && toPending(h, uuid, now, "'processing'"));
    }

    private boolean toPending(Handle h, UUID uuid, Instant now, String fromStatuses) {
        return h.createUpdate("UPDATE uploads SET status = 'pending', instance_id = NULL, reservation_blob_id = NULL,"
                        + " move_blob_id = NULL, updated_at = :now"
                        + " WHERE uuid = :uuid AND status IN (" + fromStatuses + ")")
                .bind("now", vendor.instant(now))
                .bind("uuid", vendor.uuid(uuid))
                .execute() == 1;
    }

    @Override
    public void remove(UUID projectId, UUID uuid) {
        tx.run(h -> h.createUpdate("DELETE FROM url_imports WHERE uuid = :uuid AND project_id = :project_id")
                .bind("uuid", vendor.uuid(uuid))
                .bind("project_id", vendor.uuid(projectId))
                .execute());
    }
}
