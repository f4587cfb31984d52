-- Why a failed or cancelled upload did not complete (SPEC §3): an upper-case code such as INTERRUPTED, and a message.
ALTER TABLE uploads ADD COLUMN error_code CHARACTER VARYING(64);
ALTER TABLE uploads ADD COLUMN error_message CHARACTER VARYING(1024);
