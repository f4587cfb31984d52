-- Tombstones of uploads deleted for good (forced deletion, emptying the trash, the trash purge, the removal of
-- unstored files), written in the transaction that deletes the record, so that restoring one answers 409 CONFLICT
-- rather than 404 NOT_FOUND. Only project, uuid and time: nothing of the file. The trash purge job deletes those
-- older than 30 days (idx_purged_uploads_time); deleting a project deletes its own. No foreign key: a tombstone
-- names a record that no longer exists. Version 15 on every vendor; V14 is H2's alone, so a later migration here
-- needs a version above 15 (Flyway refuses one below a version already applied).
CREATE TABLE purged_uploads (
    project_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    uuid       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    purged_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (project_id, uuid),
    INDEX idx_purged_uploads_time (purged_at)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
