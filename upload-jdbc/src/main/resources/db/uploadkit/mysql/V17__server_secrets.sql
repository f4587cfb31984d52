-- Secrets every instance on this database shares, made once by the first instance that needs one (insert if absent,
-- then read: racing instances all read the one that won). The standalone server keeps its download-link signing key
-- here unless UPLOADKIT_SIGNING_KEY gives one, so that a link signed by one instance opens on every other. The same
-- version on every vendor.
CREATE TABLE server_secrets (
    name       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    secret     VARCHAR(512) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
