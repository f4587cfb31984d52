-- The catalog: projects, their API keys, blobs (stored objects with reference counts) and uploads.
-- Written for MariaDB 10.5+ and MySQL 8.0.16+ (generated columns, enforced CHECK constraints).
--
-- Index choices: every list sort is a keyset scan on (project_id, in_trash, <sort column>, uuid), where
-- in_trash is derived from deleted_at so that live and trash listings each read one contiguous index range
-- in either direction. The folder filter, the commonest one, gets its own created_at index.
--
-- Text is utf8mb4 with the binary collation, so equality is exact and ORDER BY, the keyset predicate and the
-- indexes order by code point, as PostgreSQL's "C" collation and H2 do. UUIDs are CHAR(36) ASCII, whose
-- binary order is the unsigned byte order the other databases use. Timestamps are DATETIME(6) holding UTC:
-- the application binds and reads them as UTC, so the session time zone plays no part.

CREATE TABLE projects (
    id         CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name       VARCHAR(255) NOT NULL,
    plan       VARCHAR(64)  NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

CREATE TABLE api_keys (
    id          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    project_id  CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name        VARCHAR(255)  NOT NULL,
    prefix      VARCHAR(64)   NOT NULL,
    key_hash    VARBINARY(64) NOT NULL,
    permissions VARCHAR(1024) NOT NULL,
    is_admin    BOOLEAN       NOT NULL,
    created_at  DATETIME(6)   NOT NULL,
    revoked_at  DATETIME(6)   NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_api_keys_prefix UNIQUE (prefix),
    INDEX idx_api_keys_project (project_id, created_at, id),
    CONSTRAINT fk_api_keys_project FOREIGN KEY (project_id) REFERENCES projects (id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- A blob has no foreign key to projects: rows in WRITING or DELETING may outlive their project until the
-- janitor has removed their objects. sha256 is NULL unless STORED, so the content key only constrains
-- stored blobs, while a DELETING blob keeps its object key reserved until it is forgotten.
-- A 1024-character utf8mb4 key exceeds InnoDB's 3072-byte index limit, so key uniqueness is enforced on
-- its SHA-256 instead, computed by the database.
CREATE TABLE blobs (
    id              BIGINT        NOT NULL AUTO_INCREMENT,
    project_id      CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    storage_id      VARCHAR(128)  NOT NULL,
    object_key      VARCHAR(1024) NOT NULL,
    object_key_hash BINARY(32)    GENERATED ALWAYS AS (UNHEX(SHA2(object_key, 256))) STORED,
    sha256          CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    size_bytes      BIGINT        NOT NULL,
    mime_type       VARCHAR(255)  NULL,
    ref_count       BIGINT        NOT NULL,
    state           VARCHAR(16)   NOT NULL,
    created_at      DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_blobs_key UNIQUE (storage_id, object_key_hash),
    CONSTRAINT uq_blobs_content UNIQUE (project_id, storage_id, sha256),
    INDEX idx_blobs_abandoned (state, created_at),
    CONSTRAINT ck_blobs_state CHECK (state IN ('writing', 'stored', 'deleting')),
    CONSTRAINT ck_blobs_ref_count CHECK (ref_count >= 0)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- search_name is the filename lower-cased by the application (Locale.ROOT), so the case-insensitive
-- search behaves the same on every database whatever its collation can fold.
CREATE TABLE uploads (
    uuid                CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    project_id          CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    filename            VARCHAR(255)  NOT NULL,
    search_name         VARCHAR(1024) NOT NULL,
    folder              VARCHAR(255)  NOT NULL,
    blob_id             BIGINT        NULL,
    size_bytes          BIGINT        NOT NULL,
    mime_type           VARCHAR(255)  NULL,
    sha256              CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    is_public           BOOLEAN       NOT NULL,
    content_disposition VARCHAR(16)   NOT NULL,
    status              VARCHAR(16)   NOT NULL,
    storage_id          VARCHAR(128)  NOT NULL,
    is_stored           BOOLEAN       NOT NULL,
    metadata            MEDIUMTEXT    NOT NULL,
    content_mime        VARCHAR(255)  NULL,
    image_width         INT           NULL,
    image_height        INT           NULL,
    deduplicated        BOOLEAN       NOT NULL,
    upload_time_ms      BIGINT        NOT NULL,
    created_at          DATETIME(6)   NOT NULL,
    updated_at          DATETIME(6)   NOT NULL,
    deleted_at          DATETIME(6)   NULL,
    in_trash            BOOLEAN       GENERATED ALWAYS AS (deleted_at IS NOT NULL) STORED,
    PRIMARY KEY (uuid),
    INDEX idx_uploads_created (project_id, in_trash, created_at, uuid),
    INDEX idx_uploads_size (project_id, in_trash, size_bytes, uuid),
    INDEX idx_uploads_filename (project_id, in_trash, filename, uuid),
    INDEX idx_uploads_folder (project_id, in_trash, folder, created_at, uuid),
    INDEX idx_uploads_trash (project_id, deleted_at, uuid),
    INDEX idx_uploads_hash (project_id, sha256),
    INDEX idx_uploads_storage (project_id, storage_id, folder),
    INDEX idx_uploads_blob (blob_id),
    CONSTRAINT fk_uploads_project FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT fk_uploads_blob FOREIGN KEY (blob_id) REFERENCES blobs (id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
