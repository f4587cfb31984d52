-- URL imports (SPEC §4): the URL an upload came from, and the durable job of each async import. A job row lives
-- from the request until its upload completes or fails; any instance claims a pending upload that has one.
-- is_stored = false uploads are removed after a while, so the removal job finds them by creation time.
ALTER TABLE uploads ADD COLUMN source_url varchar(2048);
CREATE TABLE url_imports (
    uuid           uuid          NOT NULL PRIMARY KEY REFERENCES uploads (uuid) ON DELETE CASCADE,
    project_id     uuid          NOT NULL,
    url            varchar(2048) NOT NULL,
    filename_given boolean       NOT NULL,
    attempts       integer       NOT NULL,
    created_at     timestamptz   NOT NULL
);
CREATE INDEX idx_uploads_unstored ON uploads (is_stored, created_at);
