-- Large remote copies (files/{uuid}/remote-copy above the service's threshold) run as durable jobs: a row from the
-- request until the copy completed or failed, claimed by one instance at a time (instance_id; a dead instance's
-- claim, seen through its missing heartbeats, is taken over). No foreign keys: a job outlives its upload and its
-- target connection, and then fails saying so.
CREATE TABLE remote_copies (
    id            CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    project_id    CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    upload_uuid   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    storage_id    VARCHAR(128) NOT NULL,
    object_key    VARCHAR(1024) NOT NULL,
    make_public   BOOLEAN NOT NULL,
    size_bytes    BIGINT NOT NULL,
    state         VARCHAR(16) NOT NULL,
    instance_id   VARCHAR(64),
    attempts      INTEGER NOT NULL,
    error_code    VARCHAR(64),
    error_message VARCHAR(1024),
    created_at    DATETIME(6) NOT NULL,
    updated_at    DATETIME(6) NOT NULL,
    INDEX idx_remote_copies_state (state, created_at),
    INDEX idx_remote_copies_target (storage_id, state)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

