-- Projects' own storage ("bring your own bucket"). secret_key_sealed holds the S3 secret key sealed with
-- AES-256-GCM under the server's master key (uk1.<key id>.<nonce>.<ciphertext>), never the plaintext. At most one
-- connection per project is its default; the application keeps that rule under the row locks it takes.
CREATE TABLE storage_connections (
    id                UUID                        NOT NULL PRIMARY KEY,
    project_id        UUID                        NOT NULL REFERENCES projects (id),
    name              CHARACTER VARYING(255)      NOT NULL,
    provider          CHARACTER VARYING(16)       NOT NULL,
    endpoint          CHARACTER VARYING(1024),
    region            CHARACTER VARYING(64),
    bucket            CHARACTER VARYING(255),
    access_key        CHARACTER VARYING(255),
    secret_key_sealed CHARACTER VARYING(1024),
    public_base_url   CHARACTER VARYING(1024),
    path_style        BOOLEAN                     NOT NULL,
    is_default        BOOLEAN                     NOT NULL,
    created_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX idx_storage_connections_project ON storage_connections (project_id, created_at, id);
