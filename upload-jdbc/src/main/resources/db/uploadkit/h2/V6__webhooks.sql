-- Webhooks: a project's subscriptions, and one delivery row per event and subscription. The relay writes
-- deliveries in the transaction that marks their outbox event delivered; dispatchers lease due rows
-- (lease_token, lease_until) so that instances never send the same delivery at once.
CREATE TABLE webhooks (
    id                   UUID                        NOT NULL PRIMARY KEY,
    project_id           UUID                        NOT NULL,
    url                  CHARACTER VARYING(2048)     NOT NULL,
    events               CHARACTER VARYING(1024)     NOT NULL,
    secret               CHARACTER VARYING(128)      NOT NULL,
    is_active            BOOLEAN                     NOT NULL,
    disabled_reason      CHARACTER VARYING(500),
    consecutive_failures INTEGER                     NOT NULL,
    created_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL
);
CREATE INDEX idx_webhooks_project ON webhooks (project_id, is_active);

CREATE TABLE webhook_deliveries (
    id               UUID                        NOT NULL PRIMARY KEY,
    webhook_id       UUID                        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    project_id       UUID                        NOT NULL,
    event_id         UUID                        NOT NULL,
    event_type       CHARACTER VARYING(64)       NOT NULL,
    payload          CHARACTER LARGE OBJECT      NOT NULL,
    status           CHARACTER VARYING(16)       NOT NULL,
    attempts         INTEGER                     NOT NULL,
    next_attempt_at  TIMESTAMP(6) WITH TIME ZONE,
    lease_token      UUID,
    lease_until      TIMESTAMP(6) WITH TIME ZONE,
    last_status_code INTEGER,
    last_latency_ms  BIGINT,
    last_error       CHARACTER VARYING(500),
    created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    delivered_at     TIMESTAMP(6) WITH TIME ZONE
);
CREATE INDEX idx_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX idx_deliveries_log ON webhook_deliveries (webhook_id, id);
CREATE INDEX idx_deliveries_lease ON webhook_deliveries (lease_token);
CREATE INDEX idx_deliveries_created ON webhook_deliveries (created_at);
