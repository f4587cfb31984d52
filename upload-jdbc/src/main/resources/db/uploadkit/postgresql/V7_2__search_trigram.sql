-- Filename search (a substring, LIKE '%…%' on search_name) through a trigram index, when the pg_trgm extension
-- exists or this user may create it. Without it search stays correct but reads every row of the project;
-- README.md says what to run as a superuser. The operator class is named with the extension's schema, which
-- need not be on this connection's search_path.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        BEGIN
            -- In public when there is one, not in this connection's schema: dropping an application schema
            -- (CASCADE) would take the extension, and the indexes of every other schema using it, along.
            IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
                CREATE EXTENSION pg_trgm SCHEMA public;
            ELSE
                CREATE EXTENSION pg_trgm;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm could not be created (%): filename search will scan', SQLERRM;
        END;
    END IF;
END
$$;

DO $$
DECLARE
    trgm_schema text;
BEGIN
    SELECT n.nspname INTO trgm_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX idx_uploads_search_trgm ON uploads USING gin (search_name %I.gin_trgm_ops)',
                       trgm_schema);
    END IF;
END
$$;
