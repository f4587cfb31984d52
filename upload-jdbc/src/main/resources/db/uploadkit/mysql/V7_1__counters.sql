-- Per-project counters (SPEC §2: exact unfiltered totals without a scan; deduplication stats), kept by the catalog
-- in the transaction of every change to uploads and stored blobs. A project has up to 16 rows (shards): each
-- transaction adds its deltas to one picked at random, so concurrent uploads into one project rarely wait on one
-- row, and readers sum them. No foreign key: rows are never deleted, a deleted project only leaves zeros.
-- live_*: records not in trash; trash_*: in trash; ref_*: records referencing a blob (trash included);
-- blob_*: stored blobs. The existing rows are counted into shard 0.
CREATE TABLE upload_counters (
    project_id  CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    shard       SMALLINT NOT NULL,
    live_files  BIGINT   NOT NULL DEFAULT 0,
    live_bytes  BIGINT   NOT NULL DEFAULT 0,
    trash_files BIGINT   NOT NULL DEFAULT 0,
    trash_bytes BIGINT   NOT NULL DEFAULT 0,
    ref_files   BIGINT   NOT NULL DEFAULT 0,
    ref_bytes   BIGINT   NOT NULL DEFAULT 0,
    blob_count  BIGINT   NOT NULL DEFAULT 0,
    blob_bytes  BIGINT   NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, shard)
) ENGINE = InnoDB;
INSERT INTO upload_counters (project_id, shard, live_files, live_bytes, trash_files, trash_bytes, ref_files,
                             ref_bytes, blob_count, blob_bytes)
SELECT project_id, 0, SUM(live_files), SUM(live_bytes), SUM(trash_files), SUM(trash_bytes), SUM(ref_files),
       SUM(ref_bytes), SUM(blob_count), SUM(blob_bytes)
FROM (SELECT project_id,
             CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END AS live_files,
             CASE WHEN deleted_at IS NULL THEN size_bytes ELSE 0 END AS live_bytes,
             CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END AS trash_files,
             CASE WHEN deleted_at IS NULL THEN 0 ELSE size_bytes END AS trash_bytes,
             CASE WHEN blob_id IS NULL THEN 0 ELSE 1 END AS ref_files,
             CASE WHEN blob_id IS NULL THEN 0 ELSE size_bytes END AS ref_bytes,
             0 AS blob_count, 0 AS blob_bytes
      FROM uploads
      UNION ALL
      SELECT project_id, 0, 0, 0, 0, 0, 0, 1, size_bytes FROM blobs WHERE state = 'stored') changes
GROUP BY project_id;

-- The type filter (`mime_type=image/*` is a prefix range) with the default sort, and the count of its matches.
ALTER TABLE uploads ADD INDEX idx_uploads_mime (project_id, in_trash, mime_type, created_at, uuid);
