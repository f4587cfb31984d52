package dev.uploadkit.jdbc.testing;

import dev.uploadkit.core.auth.ProjectStore;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.jdbc.UploadkitDatabase;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One isolated, freshly migrated database for a test, made by {@link TestDatabases}. Closing it closes the
 * {@link UploadkitDatabase} and drops what the fixture created (schema, database or in-memory H2). Idempotent.
 */
public final class TestDatabase implements CatalogFixture {
    private final String name;
    private final UploadkitDatabase database;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final AutoCloseable cleanup;
    private final AtomicBoolean closed = new AtomicBoolean();

    TestDatabase(String name, UploadkitDatabase database, String jdbcUrl, String username, String password,
                 AutoCloseable cleanup) {
        this.name = name;
        this.database = database;
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.cleanup = cleanup;
    }

    /** Returns the database under test, open until this fixture is closed. */
    public UploadkitDatabase database() {
        return database;
    }

    @Override
    public Catalog catalog() {
        return database.catalog();
    }

    @Override
    public ProjectStore projects() {
        return database.projects();
    }

    /** Returns the database's data source, for direct SQL in tests. */
    public DataSource dataSource() {
        return database.dataSource();
    }

    /** Returns the first column of every row {@code sql} selects, as text, for checks of rows the API never shows. */
    public Set<String> strings(String sql) throws SQLException {
        Set<String> values = new TreeSet<>();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** Runs one statement of direct SQL and commits it, e.g. to take the schema back to an older migration. */
    public void execute(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** Returns a JDBC URL reaching the same, already migrated database (e.g. for Spring properties). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Returns the user for {@link #jdbcUrl()}. */
    public String username() {
        return username;
    }

    /** Returns the password, empty when there is none. */
    public String password() {
        return password;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            database.close();
        } finally {
            try {
                cleanup.close();
            } catch (Exception e) {
                throw new IllegalStateException("Could not drop test database " + name, e);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
