-- Tombstones of uploads deleted for good (forced deletion, emptying the trash, the trash purge, the removal of
-- unstored files), written in the transaction that deletes the record, so that restoring one answers 409 CONFLICT
-- rather than 404 NOT_FOUND. Only project, uuid and time: nothing of the file. The trash purge job deletes those
-- older than 30 days (idx_purged_uploads_time); deleting a project deletes its own. No foreign key: a tombstone
-- names a record that no longer exists. The same version on every vendor.
CREATE TABLE purged_uploads (
    project_id UUID                        NOT NULL,
    uuid       UUID                        NOT NULL,
    purged_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (project_id, uuid)
);
CREATE INDEX idx_purged_uploads_time ON purged_uploads (purged_at);
