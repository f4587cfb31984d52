-- Projects' own storage ("bring your own bucket"). secret_key_sealed holds the S3 secret key sealed with
-- AES-256-GCM under the server's master key (uk1.<key id>.<nonce>.<ciphertext>), never the plaintext. At most one
-- connection per project is its default; the application keeps that rule under the row locks it takes.
CREATE TABLE storage_connections (
    id                CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    project_id        CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name              VARCHAR(255)  NOT NULL,
    provider          VARCHAR(16)   NOT NULL,
    endpoint          VARCHAR(1024) NULL,
    region            VARCHAR(64)   NULL,
    bucket            VARCHAR(255)  NULL,
    access_key        VARCHAR(255)  NULL,
    secret_key_sealed VARCHAR(1024) NULL,
    public_base_url   VARCHAR(1024) NULL,
    path_style        BOOLEAN       NOT NULL,
    is_default        BOOLEAN       NOT NULL,
    created_at        DATETIME(6)   NOT NULL,
    updated_at        DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    INDEX idx_storage_connections_project (project_id, created_at, id),
    CONSTRAINT fk_storage_connections_project FOREIGN KEY (project_id) REFERENCES projects (id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
