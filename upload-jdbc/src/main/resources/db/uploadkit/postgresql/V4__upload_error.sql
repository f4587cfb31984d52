-- Why a failed or cancelled upload did not complete (SPEC §3): an upper-case code such as INTERRUPTED, and a message.
ALTER TABLE uploads ADD COLUMN error_code varchar(64);
ALTER TABLE uploads ADD COLUMN error_message varchar(1024);
