-- URL imports (SPEC §4): the URL an upload came from, and the durable job of each async import. A job row lives
-- from the request until its upload completes or fails; any instance claims a pending upload that has one.
-- is_stored = false uploads are removed after a while, so the removal job finds them by creation time.
ALTER TABLE uploads ADD COLUMN source_url CHARACTER VARYING(2048);
CREATE TABLE url_imports (
    uuid           UUID                        NOT NULL PRIMARY KEY,
    project_id     UUID                        NOT NULL,
    url            CHARACTER VARYING(2048)     NOT NULL,
    filename_given BOOLEAN                     NOT NULL,
    attempts       INTEGER                     NOT NULL,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT fk_url_imports_upload FOREIGN KEY (uuid) REFERENCES uploads (uuid) ON DELETE CASCADE
);
CREATE INDEX idx_uploads_unstored ON uploads (is_stored, created_at);
