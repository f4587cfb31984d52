-- The outbox of upload events: each row written in the transaction of the change it reports, read in id order
-- by the relay that hands events to the webhook sink, and marked delivered once the sink took it.
CREATE TABLE events (
    id           BIGINT      NOT NULL AUTO_INCREMENT,
    project_id   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    type         VARCHAR(64) NOT NULL,
    payload      MEDIUMTEXT  NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    delivered_at DATETIME(6) NULL,
    PRIMARY KEY (id),
    INDEX idx_events_pending (delivered_at, id)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
