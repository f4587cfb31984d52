-- Webhooks: a project's subscriptions, and one delivery row per event and subscription. The relay writes
-- deliveries in the transaction that marks their outbox event delivered; dispatchers lease due rows
-- (lease_token, lease_until) so that instances never send the same delivery at once.
CREATE TABLE webhooks (
    id                   uuid          NOT NULL PRIMARY KEY,
    project_id           uuid          NOT NULL,
    url                  varchar(2048) NOT NULL,
    events               varchar(1024) NOT NULL,
    secret               varchar(128)  NOT NULL,
    is_active            boolean       NOT NULL,
    disabled_reason      varchar(500),
    consecutive_failures integer       NOT NULL,
    created_at           timestamptz   NOT NULL,
    updated_at           timestamptz   NOT NULL
);
CREATE INDEX idx_webhooks_project ON webhooks (project_id, is_active);

CREATE TABLE webhook_deliveries (
    id               uuid        NOT NULL PRIMARY KEY,
    webhook_id       uuid        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    project_id       uuid        NOT NULL,
    event_id         uuid        NOT NULL,
    event_type       varchar(64) NOT NULL,
    payload          text        NOT NULL,
    status           varchar(16) NOT NULL,
    attempts         integer     NOT NULL,
    next_attempt_at  timestamptz,
    lease_token      uuid,
    lease_until      timestamptz,
    last_status_code integer,
    last_latency_ms  bigint,
    last_error       varchar(500),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    delivered_at     timestamptz
);
CREATE INDEX idx_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX idx_deliveries_log ON webhook_deliveries (webhook_id, id);
CREATE INDEX idx_deliveries_lease ON webhook_deliveries (lease_token);
CREATE INDEX idx_deliveries_created ON webhook_deliveries (created_at);
