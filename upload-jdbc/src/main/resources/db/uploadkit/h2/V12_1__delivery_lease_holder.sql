-- The instance holding a delivery's lease (its UploadService instance id), so that the crash sweep can free the
-- leases of an instance whose heartbeats stopped at once instead of after the lease runs out.
ALTER TABLE webhook_deliveries ADD COLUMN lease_holder CHARACTER VARYING(64);
CREATE INDEX idx_deliveries_lease_holder ON webhook_deliveries (lease_holder);
