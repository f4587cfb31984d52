-- Webhook signing secrets are sealed at rest (AES-256-GCM under the server's master key, as storage connections'
-- secrets: uk1.<key id>.<nonce>.<ciphertext>), which is longer than the plaintext whsec_ form. Rows written before
-- this version still hold plaintext; the application seals them when it starts (WebhookService.sealSecrets), since
-- a migration has no master key.
ALTER TABLE webhooks MODIFY COLUMN secret VARCHAR(512) NOT NULL;
