-- Crash sweeps: each instance's heartbeat, and on a processing upload the instance streaming it and the blob
-- reserved for its bytes, so that the uploads of a crashed instance can be failed and their bytes removed.
CREATE TABLE instances (
    id           varchar(64) NOT NULL PRIMARY KEY,
    heartbeat_at timestamptz NOT NULL
);
ALTER TABLE uploads ADD COLUMN instance_id varchar(64);
ALTER TABLE uploads ADD COLUMN reservation_blob_id bigint;
CREATE INDEX idx_uploads_status ON uploads (status, created_at);
CREATE INDEX idx_uploads_trashed_at ON uploads (deleted_at);
