-- Crash sweeps: each instance's heartbeat, and on a processing upload the instance streaming it and the blob
-- reserved for its bytes, so that the uploads of a crashed instance can be failed and their bytes removed.
CREATE TABLE instances (
    id           VARCHAR(64) NOT NULL PRIMARY KEY,
    heartbeat_at DATETIME(6) NOT NULL
) ENGINE = InnoDB;
ALTER TABLE uploads
    ADD COLUMN instance_id VARCHAR(64) NULL,
    ADD COLUMN reservation_blob_id BIGINT NULL,
    ADD INDEX idx_uploads_status (status, created_at),
    ADD INDEX idx_uploads_trashed_at (deleted_at);
