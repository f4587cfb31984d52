-- Reserving a key checks that no blob of the storage lies under it as under a folder (a local folder cannot hold
-- a file and a folder of one name): a range scan from 'key/' to 'key0'. The unique index holds only the key's
-- SHA-256, so this one serves the range on the key's first 255 characters; longer keys are rechecked by row.
CREATE INDEX idx_blobs_key_prefix ON blobs (storage_id, object_key(255));
