-- Projects' own storage ("bring your own bucket"). secret_key_sealed holds the S3 secret key sealed with
-- AES-256-GCM under the server's master key (uk1.<key id>.<nonce>.<ciphertext>), never the plaintext. At most one
-- connection per project is its default; the application keeps that rule under the row locks it takes.
CREATE TABLE storage_connections (
    id                uuid          NOT NULL PRIMARY KEY,
    project_id        uuid          NOT NULL REFERENCES projects (id),
    name              varchar(255)  NOT NULL,
    provider          varchar(16)   NOT NULL,
    endpoint          varchar(1024),
    region            varchar(64),
    bucket            varchar(255),
    access_key        varchar(255),
    secret_key_sealed varchar(1024),
    public_base_url   varchar(1024),
    path_style        boolean       NOT NULL,
    is_default        boolean       NOT NULL,
    created_at        timestamptz   NOT NULL,
    updated_at        timestamptz   NOT NULL
);
CREATE INDEX idx_storage_connections_project ON storage_connections (project_id, created_at, id);
