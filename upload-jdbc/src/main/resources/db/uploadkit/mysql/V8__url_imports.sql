-- URL imports (SPEC §4): the URL an upload came from, and the durable job of each async import. A job row lives
-- from the request until its upload completes or fails; any instance claims a pending upload that has one.
-- is_stored = false uploads are removed after a while, so the removal job finds them by creation time.
ALTER TABLE uploads
    ADD COLUMN source_url VARCHAR(2048) NULL,
    ADD INDEX idx_uploads_unstored (is_stored, created_at);
CREATE TABLE url_imports (
    uuid           CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    project_id     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    url            VARCHAR(2048) NOT NULL,
    filename_given BOOLEAN       NOT NULL,
    attempts       INT           NOT NULL,
    created_at     DATETIME(6)   NOT NULL,
    PRIMARY KEY (uuid),
    CONSTRAINT fk_url_imports_upload FOREIGN KEY (uuid) REFERENCES uploads (uuid) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
