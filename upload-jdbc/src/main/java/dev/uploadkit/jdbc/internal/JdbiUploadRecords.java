package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.ProjectTotals;
import dev.uploadkit.core.catalog.UploadRecords;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** {@link UploadRecords} on the {@code uploads} table, within one transaction. */
final class JdbiUploadRecords implements UploadRecords {
    /** The rows {@link #completeProcessing} may complete: still processing, not in trash. */
    private static final String LIVE_PROCESSING = " AND status = 'processing' AND deleted_at IS NULL";
    /** A processing row as staged: no bytes counted and no blob referenced yet. */
    private static final String AS_STAGED = " AND size_bytes = 0 AND blob_id IS NULL";
    /**
     * The counted fields of such a row. Storage and folder only count completed rows ({@link
     * Counters.Counted#inStorageStats}), so they are left out.
     */
    private static final Counters.Counted STAGED = new Counters.Counted(false, 0, false, false, null, null);

    private final Tx tx;
    private final Vendor vendor;
    private final RowMapper<Upload> mapper;
    private final SearchPattern search;

    JdbiUploadRecords(Tx tx, SearchPattern search) {
        this.tx = tx;
        this.search = search;
        this.vendor = tx.vendor();
        this.mapper = Rows.upload(vendor);
    }

    @Override
    public void insert(Upload upload) {
        insert(upload, null, null);
    }

    @Override
    public void insertProcessing(Upload upload, String instanceId, Long reservationBlobId) {
        Objects.requireNonNull(instanceId, "instanceId");
        insert(upload, instanceId, reservationBlobId);
    }

    private void insert(Upload upload, String instanceId, Long reservationBlobId) {
        Objects.requireNonNull(upload, "upload");
        tx.run(h -> {
            Update insert = h.createUpdate("INSERT INTO uploads (uuid, project_id, filename, search_name, folder,"
                            + " blob_id, size_bytes, mime_type, sha256, is_public, content_disposition, status,"
                            + " storage_id, is_stored, metadata, content_mime, image_width, image_height, deduplicated,"
                            + " upload_time_ms, created_at, updated_at, deleted_at, instance_id, reservation_blob_id,"
                            + " error_code, error_message, source_url) VALUES (:uuid, :project_id,"
                            + " :filename, :search_name, :folder, :blob_id, :size_bytes, :mime_type, :sha256, :is_public,"
                            + " :content_disposition, :status, :storage_id, :is_stored, :metadata, :content_mime,"
                            + " :image_width, :image_height, :deduplicated, :upload_time_ms, :created_at, :updated_at,"
                            + " :deleted_at, :instance_id, :reservation_blob_id, :error_code, :error_message, :source_url)")
                    .bind("uuid", vendor.uuid(upload.uuid()))
                    .bind("created_at", vendor.instant(upload.createdAt()))
                    .bind("instance_id", instanceId)
                    .bindByType("reservation_blob_id", reservationBlobId, Long.class);
            try {
                int inserted = bindMutable(insert, upload).execute();
                tx.counters().upload(upload.projectId(), null, counted(upload));
                return inserted;
            } catch (UnableToExecuteStatementException e) {
                if (SqlErrors.sqlCause(e).filter(vendor::isUniqueViolation).isPresent()) {
                    throw new UploadException(ErrorCode.CONFLICT, "An upload with this uuid already exists.", e);
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<Upload> find(UUID projectId, UUID uuid) {
        return tx.run(h -> find(h, projectId, uuid));
    }

    @Override
    public Optional<Upload> lock(UUID projectId, UUID uuid) {
        // Locks the upload row alone: a locking read over the join would also lock the blob row on MariaDB.
        return tx.run(h -> h.createQuery("SELECT uuid FROM uploads WHERE project_id = :project_id AND uuid = :uuid "
                                + vendor.lockForUpdate())
                        .bind("project_id", vendor.uuid(projectId))
                        .bind("uuid", vendor.uuid(uuid))
                        .map((rs, ctx) -> Boolean.TRUE)
                        .findOne()
                        .flatMap(locked -> find(h, projectId, uuid)));
    }

    @Override
    public boolean update(Upload upload) {
        return update(upload, true, "");
    }

    @Override
    public boolean completeProcessing(Upload upload) {
        Objects.requireNonNull(upload, "upload");
        return tx.run(h -> {
            // Nearly always the row is still as staged, which one guarded UPDATE confirms: then the counted fields
            // it replaced are known without reading them first. Otherwise read, lock and replace, as update does.
            if (replace(h, upload, false, LIVE_PROCESSING + AS_STAGED) == 1) {
                tx.counters().upload(upload.projectId(), STAGED, counted(upload, false));
                return true;
            }
            return update(h, upload, false, LIVE_PROCESSING);
        });
    }

    /**
     * Replaces the mutable fields, and {@code deleted_at} too if {@code setsTrash}, of the row matching the
     * extra {@code condition}.
     */
    private boolean update(Upload upload, boolean setsTrash, String condition) {
        Objects.requireNonNull(upload, "upload");
        return tx.run(h -> update(h, upload, setsTrash, condition));
    }

    private boolean update(Handle h, Upload upload, boolean setsTrash, String condition) {
        // The row's counted fields before the change, locked so that they are still the ones replaced.
        Optional<Counters.Counted> before = counted(h, upload.projectId(), upload.uuid(), condition);
        if (before.isEmpty() || replace(h, upload, setsTrash, condition) != 1) {
            return false;
        }
        boolean trashed = setsTrash ? upload.deletedAt() != null : before.get().trashed();
        tx.counters().upload(upload.projectId(), before.get(), counted(upload, trashed));
        return true;
    }

    /** Runs the UPDATE of {@link #update(Upload, boolean, String)}; returns the number of rows changed. */
    private int replace(Handle h, Upload upload, boolean setsTrash, String condition) {
        Update update = h.createUpdate("UPDATE uploads SET filename = :filename, search_name = :search_name,"
                + " folder = :folder, blob_id = :blob_id, size_bytes = :size_bytes, mime_type = :mime_type,"
                + " sha256 = :sha256, is_public = :is_public, content_disposition = :content_disposition,"
                + " status = :status, storage_id = :storage_id, is_stored = :is_stored, metadata = :metadata,"
                + " content_mime = :content_mime, image_width = :image_width, image_height = :image_height,"
                + " deduplicated = :deduplicated, upload_time_ms = :upload_time_ms, updated_at = :updated_at,"
                + " error_code = :error_code, error_message = :error_message, source_url = :source_url"
                + (setsTrash ? ", deleted_at = :deleted_at" : "")
                + " WHERE project_id = :project_id AND uuid = :uuid" + condition)
                .bind("uuid", vendor.uuid(upload.uuid()));
        return bindMutable(update, upload).execute();
    }

    /** Reads and locks the counted fields of the project's upload if it matches the extra {@code condition}. */
    private Optional<Counters.Counted> counted(Handle h, UUID projectId, UUID uuid, String condition) {
        return h.createQuery("SELECT deleted_at, size_bytes, blob_id, status, storage_id, folder FROM uploads"
                        + " WHERE project_id = :project_id AND uuid = :uuid" + condition + " " + vendor.lockForUpdate())
                .bind("project_id", vendor.uuid(projectId))
                .bind("uuid", vendor.uuid(uuid))
                .map((rs, ctx) -> {
                    boolean trashed = rs.getObject("deleted_at") != null;
                    long size = rs.getLong("size_bytes");
                    rs.getLong("blob_id");
                    boolean referencesBlob = !rs.wasNull();
                    return new Counters.Counted(trashed, size, referencesBlob,
                            UploadStatus.COMPLETED.wireName().equals(rs.getString("status")), rs.getString("storage_id"),
                            rs.getString("folder"));
                })
                .findOne();
    }

    private static Counters.Counted counted(Upload upload) {
        return counted(upload, upload.deletedAt() != null);
    }

    private static Counters.Counted counted(Upload upload, boolean trashed) {
        return new Counters.Counted(trashed, upload.sizeBytes(), upload.blobId() != null,
                upload.status() == UploadStatus.COMPLETED, upload.storageId(), upload.folder());
    }

    @Override
    public boolean delete(UUID projectId, UUID uuid) {
        return tx.run(h -> {
            Optional<Counters.Counted> before = counted(h, projectId, uuid, "");
            if (before.isEmpty() || h.createUpdate("DELETE FROM uploads WHERE project_id = :project_id AND uuid = :uuid")
                    .bind("project_id", vendor.uuid(projectId))
                    .bind("uuid", vendor.uuid(uuid))
                    .execute() != 1) {
                return false;
            }
            tx.counters().upload(projectId, before.get(), null);
            return true;
        });
    }

    @Override
    public ProjectTotals totals(UUID projectId) {
        Objects.requireNonNull(projectId, "projectId");
        return tx.run(h -> Counters.read(h, vendor, projectId));
    }

    @Override
    public Page<Upload> list(UUID projectId, UploadQuery query, PageRequest page, long countLimit) {
        return new UploadLists(tx, vendor, mapper, search).list(projectId, query, page, countLimit);
    }

    @Override
    public List<Upload> lockTrashed(UUID projectId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return tx.run(h -> {
            List<UUID> locked = h.createQuery("SELECT uuid FROM uploads WHERE project_id = :project_id"
                            + " AND deleted_at IS NOT NULL ORDER BY deleted_at, uuid LIMIT :limit " + vendor.lockForUpdate())
                    .bind("project_id", vendor.uuid(projectId))
                    .bind("limit", limit)
                    .map((rs, ctx) -> vendor.uuid(rs, "uuid"))
                    .list();
            if (locked.isEmpty()) {
                return List.of();
            }
            Where where = new Where().and("u.project_id = :project_id", "project_id", vendor.uuid(projectId));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < locked.size(); i++) {
                names.add(":u" + i);
                where.bind("u" + i, vendor.uuid(locked.get(i)));
            }
            where.and("u.uuid IN (" + String.join(", ", names) + ")");
            return where.bindTo(h.createQuery("SELECT " + Rows.UPLOAD_COLUMNS + " FROM " + Rows.UPLOADS_WITH_KEY
                            + where.sql() + " ORDER BY u.deleted_at, u.uuid"))
                    .map(mapper)
                    .list();
        });
    }

    @Override
    public Optional<Upload> findByHash(UUID projectId, String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        return tx.run(h -> h.createQuery("SELECT " + Rows.UPLOAD_COLUMNS + " FROM " + Rows.UPLOADS_WITH_KEY
                        + " WHERE u.project_id = :project_id AND u.sha256 = :sha256 AND u.deleted_at IS NULL"
                        + " AND u.status = 'completed' ORDER BY u.created_at DESC, u.uuid DESC LIMIT 1")
                .bind("project_id", vendor.uuid(projectId))
                .bind("sha256", sha256.toLowerCase(Locale.ROOT))
                .map(mapper)
                .findOne());
    }

    /** Processing uploads created before :alive_since whose instance has no heartbeat since then. */
    private static final String INTERRUPTED = "SELECT u.project_id, u.uuid, u.reservation_blob_id, u.move_blob_id"
            + " FROM uploads u"
            + " WHERE u.status = 'processing' AND u.created_at < :alive_since AND NOT EXISTS (SELECT 1 FROM instances i"
            + " WHERE i.id = u.instance_id AND i.heartbeat_at >= :alive_since)";

    @Override
    public Optional<Processing> findInterrupted(UUID projectId, UUID uuid, Instant aliveSince) {
        Objects.requireNonNull(aliveSince, "aliveSince");
        return tx.run(h -> interrupted(h, h.createQuery(INTERRUPTED + " AND u.project_id = :project_id AND u.uuid = :uuid")
                .bind("project_id", vendor.uuid(projectId))
                .bind("uuid", vendor.uuid(uuid))
                .bind("alive_since", vendor.instant(aliveSince))).stream().findFirst());
    }

    @Override
    public List<Processing> listInterrupted(Instant aliveSince, int limit) {
        Objects.requireNonNull(aliveSince, "aliveSince");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return tx.run(h -> interrupted(h, h.createQuery(INTERRUPTED + " ORDER BY u.created_at, u.uuid LIMIT :limit")
                .bind("alive_since", vendor.instant(aliveSince))
                .bind("limit", limit)));
    }

    private List<Processing> interrupted(Handle h, org.jdbi.v3.core.statement.Query query) {
        record Row(UUID projectId, UUID uuid, Long reservation, Long move) {
        }
        List<Row> rows = query.map((rs, ctx) -> new Row(vendor.uuid(rs, "project_id"), vendor.uuid(rs, "uuid"),
                longOrNull(rs, "reservation_blob_id"), longOrNull(rs, "move_blob_id"))).list();
        List<Processing> result = new ArrayList<>();
        for (Row row : rows) {
            find(h, row.projectId(), row.uuid())
                    .ifPresent(u -> result.add(new Processing(u, row.reservation(), row.move())));
        }
        return result;
    }

    private static Long longOrNull(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    @Override
    public boolean reserveMove(UUID projectId, UUID uuid, long moveBlobId) {
        return tx.run(h -> h.createUpdate("UPDATE uploads SET move_blob_id = :move_blob_id"
                        + " WHERE project_id = :project_id AND uuid = :uuid AND status = 'processing'")
                .bind("move_blob_id", moveBlobId)
                .bind("project_id", vendor.uuid(projectId))
                .bind("uuid", vendor.uuid(uuid))
                .execute() == 1);
    }

    @Override
    public List<Upload> lockTrashedBefore(Instant before, int limit) {
        return lockOldest("deleted_at IS NOT NULL AND deleted_at < :before ORDER BY deleted_at, uuid",
                Objects.requireNonNull(before, "before"), limit);
    }

    private Optional<Upload> find(Handle h, UUID projectId, UUID uuid) {
        return h.createQuery("SELECT " + Rows.UPLOAD_COLUMNS + " FROM " + Rows.UPLOADS_WITH_KEY
                        + " WHERE u.project_id = :project_id AND u.uuid = :uuid")
                .bind("project_id", vendor.uuid(projectId))
                .bind("uuid", vendor.uuid(uuid))
                .map(mapper)
                .findOne();
    }

    private Update bindMutable(Update statement, Upload upload) {
        ContentInfo info = upload.contentInfo();
        ContentInfo.ImageInfo image = info == null ? null : info.image();
        UploadError error = upload.error();
        return statement
                .bind("project_id", vendor.uuid(upload.projectId()))
                .bind("filename", upload.filename())
                .bind("search_name", upload.filename().toLowerCase(Locale.ROOT))
                .bind("folder", upload.folder())
                .bind("blob_id", Where.nullableNumber(upload.blobId()))
                .bind("size_bytes", upload.sizeBytes())
                .bind("mime_type", Where.nullableText(upload.mimeType()))
                .bind("sha256", Where.nullableText(upload.sha256()))
                .bind("is_public", upload.isPublic())
                .bind("content_disposition", upload.contentDisposition().wireName())
                .bind("status", upload.status().wireName())
                .bind("storage_id", upload.storageId())
                .bind("is_stored", upload.isStored())
                .bind("metadata", MetadataJson.write(upload.metadata()))
                .bind("content_mime", Where.nullableText(info == null ? null : info.mime()))
                .bind("image_width", Where.nullableInt(image == null ? null : image.width()))
                .bind("image_height", Where.nullableInt(image == null ? null : image.height()))
                .bind("deduplicated", upload.deduplicated())
                .bind("upload_time_ms", upload.uploadTimeMs())
                .bind("updated_at", vendor.instant(upload.updatedAt()))
                .bind("deleted_at", vendor.instant(upload.deletedAt()))
                .bind("error_code", Where.nullableText(error == null ? null : error.code()))
                .bind("error_message", Where.nullableText(error == null ? null : error.message()))
                .bind("source_url", Where.nullableText(upload.sourceUrl()));
    }

    @Override
    public boolean markProcessing(Upload upload, String instanceId, Long reservationBlobId) {
        Objects.requireNonNull(instanceId, "instanceId");
        return tx.run(h -> {
            String condition = " AND status IN ('pending', 'processing')";
            Optional<Counters.Counted> before = counted(h, upload.projectId(), upload.uuid(), condition);
            if (before.isEmpty()) {
                return false;
            }
            Update update = h.createUpdate("UPDATE uploads SET filename = :filename, search_name = :search_name,"
                    + " folder = :folder, blob_id = :blob_id, size_bytes = :size_bytes, mime_type = :mime_type,"
                    + " sha256 = :sha256, is_public = :is_public, content_disposition = :content_disposition,"
                    + " status = :status, storage_id = :storage_id, is_stored = (is_stored OR :is_stored),"
                    + " metadata = :metadata,"
                    + " content_mime = :content_mime, image_width = :image_width, image_height = :image_height,"
                    + " deduplicated = :deduplicated, upload_time_ms = :upload_time_ms, updated_at = :updated_at,"
                    + " error_code = :error_code, error_message = :error_message, source_url = :source_url,"
                    + " instance_id = :instance_id, reservation_blob_id = :reservation_blob_id, move_blob_id = NULL"
                    + " WHERE project_id = :project_id AND uuid = :uuid" + condition)
                    .bind("uuid", vendor.uuid(upload.uuid()))
                    .bind("instance_id", instanceId)
                    .bindByType("reservation_blob_id", reservationBlobId, Long.class);
            if (bindMutable(update, upload).execute() != 1) {
                return false;
            }
            tx.counters().upload(upload.projectId(), before.get(), counted(upload, before.get().trashed()));
            return true;
        });
    }

    @Override
    public List<UUID> cancelledAmong(java.util.Collection<UUID> uuids) {
        if (uuids.isEmpty()) {
            return List.of();
        }
        return tx.run(h -> {
            Where where = new Where().and("u.status = 'cancelled'");
            List<String> names = new ArrayList<>();
            int i = 0;
            for (UUID uuid : uuids) {
                names.add(":c" + i);
                where.bind("c" + i++, vendor.uuid(uuid));
            }
            where.and("u.uuid IN (" + String.join(", ", names) + ")");
            return where.bindTo(h.createQuery("SELECT u.uuid FROM uploads u" + where.sql()))
                    .map((rs, ctx) -> vendor.uuid(rs, "uuid"))
                    .list();
        });
    }

    @Override
    public List<Upload> lockExpired(Instant createdBefore, int limit) {
        Objects.requireNonNull(createdBefore, "createdBefore");
        // Two statements, each a range of an index of its own (idx_uploads_status, idx_uploads_unstored), merged
        // oldest first: one with an OR across status and is_stored had none that H2 could use, and read every upload
        // once a minute (743 ms at 300,000 uploads, against 0.9 ms for the two). Up to twice the limit stay locked
        // until the caller's transaction ends.
        List<Upload> expired = new ArrayList<>(lockOldest("status IN ('failed', 'cancelled')"
                + " AND created_at < :before ORDER BY created_at, uuid", createdBefore, limit));
        expired.addAll(lockOldest("is_stored = FALSE AND created_at < :before AND status = 'completed'"
                + " ORDER BY created_at, uuid", createdBefore, limit));
        // A uuid's text orders as the databases order uuids (unsigned bytes), which UUID.compareTo does not.
        expired.sort(Comparator.comparing(Upload::createdAt).thenComparing(u -> u.uuid().toString()));
        return expired.size() > limit ? expired.subList(0, limit) : expired;
    }

    /**
     * Locks up to {@code limit} uploads of any project matching {@code conditionAndOrder} (which binds
     * {@code :before}) and returns them, locked alone and then read, so that no join row is locked with them.
     */
    private List<Upload> lockOldest(String conditionAndOrder, Instant before, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return tx.run(h -> {
            record Key(UUID projectId, UUID uuid) {
            }
            List<Key> locked = h.createQuery("SELECT project_id, uuid FROM uploads WHERE " + conditionAndOrder
                            + " LIMIT :limit " + vendor.lockForUpdate())
                    .bind("before", vendor.instant(before))
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Key(vendor.uuid(rs, "project_id"), vendor.uuid(rs, "uuid")))
                    .list();
            List<Upload> result = new ArrayList<>();
            for (Key key : locked) {
                find(h, key.projectId(), key.uuid()).ifPresent(result::add);
            }
            return result;
        });
    }
}
