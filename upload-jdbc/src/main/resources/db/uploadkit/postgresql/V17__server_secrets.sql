-- Secrets every instance on this database shares, made once by the first instance that needs one (insert if absent,
-- then read: racing instances all read the one that won). The standalone server keeps its download-link signing key
-- here unless UPLOADKIT_SIGNING_KEY gives one, so that a link signed by one instance opens on every other. The same
-- version on every vendor.
CREATE TABLE server_secrets (
    name       varchar(64)  NOT NULL PRIMARY KEY,
    secret     varchar(512) NOT NULL,
    created_at timestamptz  NOT NULL
);
