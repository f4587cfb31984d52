-- Rate limits, request logs and daily usage.
-- rate_limit_buckets: Bucket4j's table (its JDBC proxy managers' default shape), one row per project and month;
-- the id starts with the month (yyyy-MM) so that rows of past months can be deleted by range.
CREATE TABLE rate_limit_buckets (
    id    VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    state BLOB NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB;

-- The API request log, newest last; read per project newest first by id, purged by age.
CREATE TABLE request_log (
    id               BIGINT        NOT NULL AUTO_INCREMENT,
    project_id       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    at               DATETIME(6)   NOT NULL,
    method           VARCHAR(16)   NOT NULL,
    path             VARCHAR(2048) NOT NULL,
    status           INT           NOT NULL,
    error_code       VARCHAR(64)   NULL,
    duration_ms      BIGINT        NOT NULL,
    key_id           CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
    key_prefix       VARCHAR(64)   NULL,
    client_ip        VARCHAR(64)   NULL,
    uploaded_bytes   BIGINT        NOT NULL,
    downloaded_bytes BIGINT        NOT NULL,
    PRIMARY KEY (id),
    INDEX idx_request_log_project (project_id, id),
    INDEX idx_request_log_at (at)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- Daily usage roll-ups, added to as requests are logged; storage_* is the day's last snapshot (NULL: none).
CREATE TABLE usage_daily (
    project_id     CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    usage_day      DATE   NOT NULL,
    requests       BIGINT NOT NULL,
    uploads        BIGINT NOT NULL,
    upload_bytes   BIGINT NOT NULL,
    downloads      BIGINT NOT NULL,
    download_bytes BIGINT NOT NULL,
    storage_files  BIGINT NULL,
    storage_bytes  BIGINT NULL,
    PRIMARY KEY (project_id, usage_day)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
