-- Webhooks: a project's subscriptions, and one delivery row per event and subscription. The relay writes
-- deliveries in the transaction that marks their outbox event delivered; dispatchers lease due rows
-- (lease_token, lease_until) so that instances never send the same delivery at once.
CREATE TABLE webhooks (
    id                   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    project_id           CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    url                  VARCHAR(2048) NOT NULL,
    events               VARCHAR(1024) NOT NULL,
    secret               VARCHAR(128)  NOT NULL,
    is_active            BOOLEAN       NOT NULL,
    disabled_reason      VARCHAR(500)  NULL,
    consecutive_failures INT           NOT NULL,
    created_at           DATETIME(6)   NOT NULL,
    updated_at           DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    INDEX idx_webhooks_project (project_id, is_active)
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

CREATE TABLE webhook_deliveries (
    id               CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    webhook_id       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    project_id       CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    event_id         CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    event_type       VARCHAR(64)  NOT NULL,
    payload          MEDIUMTEXT   NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    attempts         INT          NOT NULL,
    next_attempt_at  DATETIME(6)  NULL,
    lease_token      CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
    lease_until      DATETIME(6)  NULL,
    last_status_code INT          NULL,
    last_latency_ms  BIGINT       NULL,
    last_error       VARCHAR(500) NULL,
    created_at       DATETIME(6)  NOT NULL,
    updated_at       DATETIME(6)  NOT NULL,
    delivered_at     DATETIME(6)  NULL,
    PRIMARY KEY (id),
    INDEX idx_deliveries_due (status, next_attempt_at),
    INDEX idx_deliveries_log (webhook_id, id),
    INDEX idx_deliveries_lease (lease_token),
    INDEX idx_deliveries_created (created_at),
    CONSTRAINT fk_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
