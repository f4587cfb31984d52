-- Per-storage and per-(storage, folder) counters for storage/{id}/stats (SPEC §4): the live (not trashed)
-- completed uploads of a project in one storage, kept by the catalog in the transaction of every change to
-- uploads, like upload_counters (V7_1): up to 16 shard rows per key, each transaction adds its deltas to the
-- one it picked at random, readers sum them. No foreign key: the rows of a removed connection stay as zeros.
-- A folder emptied of live files keeps its (zero) rows; readers skip folders whose sum is zero.
-- The existing rows are counted into shard 0.
CREATE TABLE storage_counters (
    project_id UUID NOT NULL,
    storage_id CHARACTER VARYING(128) NOT NULL,
    shard      SMALLINT NOT NULL,
    files      BIGINT DEFAULT 0 NOT NULL,
    bytes      BIGINT DEFAULT 0 NOT NULL,
    PRIMARY KEY (project_id, storage_id, shard)
);
CREATE TABLE folder_counters (
    project_id UUID NOT NULL,
    storage_id CHARACTER VARYING(128) NOT NULL,
    folder     CHARACTER VARYING(255) NOT NULL,
    shard      SMALLINT NOT NULL,
    files      BIGINT DEFAULT 0 NOT NULL,
    bytes      BIGINT DEFAULT 0 NOT NULL,
    PRIMARY KEY (project_id, storage_id, folder, shard)
);
INSERT INTO storage_counters (project_id, storage_id, shard, files, bytes)
SELECT project_id, storage_id, 0, COUNT(*), SUM(size_bytes) FROM uploads
WHERE deleted_at IS NULL AND status = 'completed'
GROUP BY project_id, storage_id;
INSERT INTO folder_counters (project_id, storage_id, folder, shard, files, bytes)
SELECT project_id, storage_id, folder, 0, COUNT(*), SUM(size_bytes) FROM uploads
WHERE deleted_at IS NULL AND status = 'completed'
GROUP BY project_id, storage_id, folder;
