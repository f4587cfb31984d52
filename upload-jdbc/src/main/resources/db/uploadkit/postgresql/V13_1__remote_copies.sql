-- Large remote copies (files/{uuid}/remote-copy above the service's threshold) run as durable jobs: a row from the
-- request until the copy completed or failed, claimed by one instance at a time (instance_id; a dead instance's
-- claim, seen through its missing heartbeats, is taken over). No foreign keys: a job outlives its upload and its
-- target connection, and then fails saying so.
CREATE TABLE remote_copies (
    id            uuid NOT NULL PRIMARY KEY,
    project_id    uuid NOT NULL,
    upload_uuid   uuid NOT NULL,
    storage_id    varchar(128) COLLATE "C" NOT NULL,
    object_key    varchar(1024) COLLATE "C" NOT NULL,
    make_public   boolean NOT NULL,
    size_bytes    BIGINT NOT NULL,
    state         varchar(16) NOT NULL,
    instance_id   varchar(64),
    attempts      INTEGER NOT NULL,
    error_code    varchar(64),
    error_message varchar(1024),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX idx_remote_copies_state ON remote_copies (state, created_at);
CREATE INDEX idx_remote_copies_target ON remote_copies (storage_id, state);
