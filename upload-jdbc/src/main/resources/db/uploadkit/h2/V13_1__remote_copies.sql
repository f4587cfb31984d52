-- Large remote copies (files/{uuid}/remote-copy above the service's threshold) run as durable jobs: a row from the
-- request until the copy completed or failed, claimed by one instance at a time (instance_id; a dead instance's
-- claim, seen through its missing heartbeats, is taken over). No foreign keys: a job outlives its upload and its
-- target connection, and then fails saying so.
CREATE TABLE remote_copies (
    id            UUID NOT NULL PRIMARY KEY,
    project_id    UUID NOT NULL,
    upload_uuid   UUID NOT NULL,
    storage_id    CHARACTER VARYING(128) NOT NULL,
    object_key    CHARACTER VARYING(1024) NOT NULL,
    make_public   BOOLEAN NOT NULL,
    size_bytes    BIGINT NOT NULL,
    state         CHARACTER VARYING(16) NOT NULL,
    instance_id   CHARACTER VARYING(64),
    attempts      INTEGER NOT NULL,
    error_code    CHARACTER VARYING(64),
    error_message CHARACTER VARYING(1024),
    created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX idx_remote_copies_state ON remote_copies (state, created_at);
CREATE INDEX idx_remote_copies_target ON remote_copies (storage_id, state);
