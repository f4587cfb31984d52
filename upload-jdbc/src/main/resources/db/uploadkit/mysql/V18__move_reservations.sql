-- The blob a processing upload's bytes are moving or being copied to once its form has ended (fields after the
-- file named another folder, name or storage), so that a crash sweep or a forced delete removes it with the first.
ALTER TABLE uploads ADD COLUMN move_blob_id bigint;
