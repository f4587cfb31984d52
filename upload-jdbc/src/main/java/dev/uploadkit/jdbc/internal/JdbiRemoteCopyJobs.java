package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.catalog.RemoteCopyJobs;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** {@link RemoteCopyJobs} on table {@code remote_copies}, within one transaction. */
final class JdbiRemoteCopyJobs implements RemoteCopyJobs {
    private static final String COLUMNS = "id, project_id, upload_uuid, storage_id, object_key, make_public, size_bytes,"
            + " state, instance_id, attempts, error_code, error_message, created_at, updated_at";

    private final Tx tx;
    private final Vendor vendor;
    private final RowMapper<Job> mapper;

    JdbiRemoteCopyJobs(Tx tx) {
        this.tx = tx;
        this.vendor = tx.vendor();
        Vendor v = vendor;
        this.mapper = (rs, ctx) -> {
            String code = rs.getString("error_code");
            return new Job(v.uuid(rs, "id"), v.uuid(rs, "project_id"), v.uuid(rs, "upload_uuid"),
                    rs.getString("storage_id"), rs.getString("object_key"), rs.getBoolean("make_public"),
                    rs.getLong("size_bytes"), State.parse(rs.getString("state")), rs.getInt("attempts"),
                    code == null ? null : new UploadError(code, rs.getString("error_message")),
                    v.instant(rs, "created_at"), v.instant(rs, "updated_at"));
        };
    }

    @Override
    public void add(Job job) {
        Objects.requireNonNull(job, "job");
        tx.run(h -> h.createUpdate("INSERT INTO remote_copies (" + COLUMNS + ") VALUES (:id, :project_id, :upload_uuid,"
                        + " :storage_id, :object_key, :make_public, :size_bytes, :state, NULL, :attempts, :error_code,"
                        + " :error_message, :created_at, :updated_at)")
                .bind("id", vendor.uuid(job.id()))
                .bind("project_id", vendor.uuid(job.projectId()))
                .bind("upload_uuid", vendor.uuid(job.uploadUuid()))
                .bind("storage_id", job.storageId())
                .bind("object_key", job.objectKey())
                .bind("make_public", job.makePublic())
                .bind("size_bytes", job.sizeBytes())
                .bind("state", job.state().wireName())
                .bind("attempts", job.attempts())
                .bind("error_code", Where.nullableText(job.error() == null ? null : job.error().code()))
                .bind("error_message", Where.nullableText(job.error() == null ? null : job.error().message()))
                .bind("created_at", vendor.instant(job.createdAt()))
                .bind("updated_at", vendor.instant(job.updatedAt()))
                .execute());
    }

    @Override
    public Optional<Job> find(UUID projectId, UUID id) {
        return tx.run(h -> h.createQuery("SELECT " + COLUMNS + " FROM remote_copies WHERE id = :id"
                        + " AND project_id = :project_id")
                .bind("id", vendor.uuid(id))
                .bind("project_id", vendor.uuid(projectId))
                .map(mapper)
                .findOne());
    }

    @Override
    public boolean copiesTo(String storageId, String objectKey) {
        return tx.run(h -> h.createQuery("SELECT 1 FROM remote_copies WHERE storage_id = :storage_id"
                        + " AND state IN ('pending', 'processing') AND object_key = :object_key")
                .bind("storage_id", storageId)
                .bind("object_key", objectKey)
                .mapTo(Integer.class)
                .findFirst()
                .isPresent());
    }

    @Override
    public List<Job> claim(String instanceId, Instant aliveSince, Instant now, int limit) {
        Objects.requireNonNull(instanceId, "instanceId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return tx.run(h -> {
            record Candidate(UUID id, String state, String instance) {
            }
            List<Candidate> candidates = h.createQuery("SELECT c.id, c.state, c.instance_id FROM remote_copies c"
                            // The IN gives H2 a range of idx_remote_copies_state; the OR alone read every row.
                            + " WHERE c.state IN ('pending', 'processing') AND (c.state = 'pending' OR NOT EXISTS"
                            + " (SELECT 1 FROM instances i WHERE i.id = c.instance_id"
                            + " AND i.heartbeat_at >= :alive_since))"
                            + " ORDER BY c.created_at, c.id LIMIT :limit")
                    .bind("alive_since", vendor.instant(aliveSince))
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Candidate(vendor.uuid(rs, "id"), rs.getString("state"),
                            rs.getString("instance_id")))
                    .list();
            List<Job> claimed = new ArrayList<>();
            // The conditional update is the claim: of two instances racing for a row, the second waits for the
            // first's commit and then finds the row changed. Rows are taken in one order, so no cycle forms.
            for (Candidate c : candidates) {
                var update = h.createUpdate("UPDATE remote_copies SET state = 'processing', instance_id = :instance,"
                                + " attempts = attempts + 1, updated_at = :now WHERE id = :id AND state = :state AND "
                                + (c.instance() == null ? "instance_id IS NULL" : "instance_id = :previous"))
                        .bind("instance", instanceId)
                        .bind("now", vendor.instant(now))
                        .bind("id", vendor.uuid(c.id()))
                        .bind("state", c.state());
                if (c.instance() != null) {
                    update.bind("previous", c.instance());
                }
                int updated = update.execute();
                if (updated == 1) {
                    find(h, c.id()).ifPresent(claimed::add);
                }
            }
            return claimed;
        });
    }

    private Optional<Job> find(Handle h, UUID id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM remote_copies WHERE id = :id")
                .bind("id", vendor.uuid(id))
                .map(mapper)
                .findOne();
    }

    @Override
    public boolean finish(UUID id, String instanceId, State state, long sizeBytes, UploadError error, Instant now) {
        if (state != State.COMPLETED && state != State.FAILED) {
            throw new IllegalArgumentException("A job finishes completed or failed, not " + state);
        }
        return tx.run(h -> h.createUpdate("UPDATE remote_copies SET state = :state, size_bytes = :size_bytes,"
                        + " error_code = :error_code, error_message = :error_message, updated_at = :now"
                        + " WHERE id = :id AND state = 'processing' AND instance_id = :instance")
                .bind("state", state.wireName())
                .bind("size_bytes", sizeBytes)
                .bind("error_code", Where.nullableText(error == null ? null : error.code()))
                .bind("error_message", Where.nullableText(error == null ? null : error.message()))
                .bind("now", vendor.instant(now))
                .bind("id", vendor.uuid(id))
                .bind("instance", instanceId)
                .execute() == 1);
    }

    @Override
    public int expire(Instant before, int limit) {
        Objects.requireNonNull(before, "before");
        return tx.run(h -> {
            // Selected first, then deleted by key: PostgreSQL has no DELETE … LIMIT. The state index serves both.
            List<UUID> ids = h.createQuery("SELECT id FROM remote_copies WHERE state IN ('completed', 'failed')"
                            + " AND created_at < :before ORDER BY created_at LIMIT :limit")
                    .bind("before", vendor.instant(before))
                    .bind("limit", limit)
                    .map((rs, ctx) -> vendor.uuid(rs, "id"))
                    .list();
            int deleted = 0;
            for (UUID id : ids) {
                deleted += h.createUpdate("DELETE FROM remote_copies WHERE id = :id"
                                + " AND state IN ('completed', 'failed')")
                        .bind("id", vendor.uuid(id))
                        .execute();
            }
            return deleted;
        });
    }
}
