/**
 * The catalog-side SPIs of Uploadkit on a relational database: JDBI over a JDBC {@link javax.sql.DataSource},
 * with the schema migrated by Flyway. Supports H2 (the embedded default), PostgreSQL, MariaDB and MySQL.
 *
 * <p>The entry point is {@link dev.uploadkit.jdbc.UploadkitDatabase}.
 */
package dev.uploadkit.jdbc;
