-- Why a failed or cancelled upload did not complete (SPEC §3): an upper-case code such as INTERRUPTED, and a message.
ALTER TABLE uploads
    ADD COLUMN error_code VARCHAR(64) NULL,
    ADD COLUMN error_message VARCHAR(1024) NULL;
